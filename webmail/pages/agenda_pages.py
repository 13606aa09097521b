"""« Mon agenda »: the patient's appointments and reminders, as a list (upcoming, then past) or
as one week, each occurrence linked to the message that brought it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from mss.calendar.model import CalendarEvent, Occurrence
from mss.calendar.wording import french_time, french_when
from webmail.api.deps import PageSession, State
from webmail.pages.render import environment, render

router = APIRouter(include_in_schema=False)
PARIS = ZoneInfo("Europe/Paris")
HORIZON = timedelta(days=366)
REMINDER_CHOICES = (
    (7 * 86400, "agenda.offset.week"),
    (86400, "agenda.offset.day"),
    (2 * 3600, "agenda.offset.two_hours"),
    (3600, "agenda.offset.hour"),
    (1800, "agenda.offset.half_hour"),
)


def describe_when(
    start: datetime, end: datetime | None, all_day: bool, language: str, hours_only: bool = False
) -> str:
    """« samedi 5 décembre 2026 de 10 h 30 à 11 h 00 » (or its English form), in Paris time."""
    if language == "fr":
        if hours_only:
            if all_day:
                return "toute la journée"
            return french_time(start) + (f" – {french_time(end)}" if end else "")
        return french_when(start, end, all_day)
    local = start.astimezone(PARIS)
    if hours_only:
        if all_day:
            return "all day"
        return local.strftime("%H:%M") + (f"–{end.astimezone(PARIS):%H:%M}" if end else "")
    day = f"{local:%A} {local.day} {local:%B %Y}"
    if all_day:
        return day
    return f"{day}, {local:%H:%M}" + (f"–{end.astimezone(PARIS):%H:%M}" if end else "")


environment.globals["describe_when"] = describe_when


@dataclass(frozen=True, slots=True)
class Slot:
    """One occurrence as a page shows it (epoch seconds for the translator's dates)."""

    entry_id: int
    title: str
    start: int
    end: int | None
    moment: datetime
    until: datetime | None
    all_day: bool
    location: str
    organizer: str
    description: str
    cancelled: bool
    answer: str | None
    personal: bool
    source: str | None
    day: date

    @classmethod
    def of(cls, occurrence: Occurrence) -> Slot:
        event, version = occurrence.event, occurrence.event.current
        organizer = version.organizer
        return cls(
            entry_id=event.entry_id,
            title=version.summary,
            start=int(occurrence.start.timestamp()),
            end=int(occurrence.end.timestamp()) if occurrence.end else None,
            moment=occurrence.start,
            until=occurrence.end,
            all_day=version.all_day,
            location=version.location,
            organizer=(organizer.name or organizer.address) if organizer else "",
            description=version.description,
            cancelled=event.cancelled,
            answer=event.my_partstat.value if event.my_partstat else None,
            personal=event.personal,
            source=_source(event),
            day=occurrence.start.astimezone(PARIS).date(),
        )


def _source(event: CalendarEvent) -> str | None:
    if event.source.mailbox_id is None or event.source.uid is None:
        return None
    return f"/mail/{event.source.mailbox_id}/{event.source.uid}"


@router.get("/agenda")
async def agenda(
    request: Request,
    state: State,
    session: PageSession,
    view: Annotated[str, Query(pattern="^(list|week)$")] = "list",
    week: Annotated[str, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = "",
) -> Response:
    now = datetime.now(UTC)
    calendar = state.runtime.calendar
    context: dict[str, object] = {
        "session": session,
        "csrf": session.csrf_token,
        "view": view,
        "reminders": {},
    }
    if view == "week":
        today = now.astimezone(PARIS).date()
        chosen = date.fromisoformat(week) if week else today
        monday = chosen - timedelta(days=chosen.weekday())
        begin = datetime.combine(monday, datetime.min.time(), PARIS)
        found = await calendar.agenda(session.unlocked, begin, begin + timedelta(days=7))
        slots = [Slot.of(o) for o in found]
        days = [monday + timedelta(days=n) for n in range(7)]
        context.update(
            {
                "days": [(d, [s for s in slots if s.day == d]) for d in days],
                "monday": monday,
                "previous": (monday - timedelta(days=7)).isoformat(),
                "next": (monday + timedelta(days=7)).isoformat(),
                "today": today,
            }
        )
    else:
        found = await calendar.agenda(session.unlocked, now - HORIZON, now + HORIZON)
        slots = [Slot.of(o) for o in found]
        stamp = int(now.timestamp())
        upcoming = [s for s in slots if (s.end or s.start) >= stamp]
        reminders = {}
        for event in {o.event.entry_id: o.event for o in found}.values():
            if any(s.entry_id == event.entry_id for s in upcoming):
                reminders[event.entry_id] = await calendar.reminder_offsets(session.unlocked, event)
        context.update(
            {
                "upcoming": upcoming,
                "past": [s for s in reversed(slots) if (s.end or s.start) < stamp],
                "reminders": reminders,
                "reminder_choices": REMINDER_CHOICES,
            }
        )
    return render(request, "agenda.html", context)
