"""Implicit scheduling for calendar clients (RFC 6638 §3.2): when a CalDAV client stores or
removes an event, the server works out which iTIP messages the change implies, so that
Thunderbird or DAVx5 invite and answer without any mail set-up of their own.

This module only decides; :class:`~mss.calendar.service.CalendarService` sends what it returns
through the one sending path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from mss.calendar.messages import PRODID, reply_calendar
from mss.calendar.model import EventVersion, Method, PartStat

# RFC 6638 §7: parameters that steer the server and never travel in an iTIP message.
_SERVER_ONLY_PARAMS = ("SCHEDULE-AGENT", "SCHEDULE-STATUS", "SCHEDULE-FORCE-SEND")

# RFC 6638 §3.2.1.2: what makes an organiser's change worth a new REQUEST (a PARTSTAT that an
# attendee's reply wrote into the organiser's copy is not).
_SIGNIFICANT = ("start", "end", "all_day", "summary", "location", "description", "rrule")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One iTIP message to send: its method, the addresses it goes to, and the iCalendar object
    (with METHOD) it carries."""

    method: Method
    recipients: tuple[str, ...]
    calendar: bytes
    partstat: PartStat | None = None


def plan_store(
    owner: str,
    before: EventVersion | None,
    after: EventVersion,
    answered: PartStat | None = None,
) -> list[Outgoing]:
    """The messages implied by the owner storing ``after`` where ``before`` stood; ``answered``
    is the answer the owner already sent, if any."""
    if _is_organizer(owner, after):
        return _organizer_store(owner, before, after)
    if before is None or after.organizer is None:
        return []  # an event someone else organises, put here by hand: nobody to tell
    mine, previous = _partstat(owner, after), answered or _partstat(owner, before)
    if mine is None or mine == previous or mine is PartStat.NEEDS_ACTION:
        return []
    # RFC 6638 §3.2.2.1: the attendee's change of PARTSTAT goes to the organiser as a REPLY.
    return [_reply(owner, after, mine)]


def plan_remove(owner: str, before: EventVersion) -> list[Outgoing]:
    """The messages implied by the owner deleting ``before`` from the calendar."""
    if _is_organizer(owner, before):
        # RFC 6638 §3.2.1.3: the organiser removing the event cancels it for every attendee.
        recipients = _scheduled(owner, before.ics)
        return [_cancel(before, recipients)] if recipients else []
    if before.organizer is None or before.cancelled or _partstat(owner, before) is None:
        return []
    # RFC 6638 §3.2.2.3: an attendee removing an invitation declines it.
    return [_reply(owner, before, PartStat.DECLINED)]


def with_schedule_status(ics: str, statuses: dict[str, str]) -> str:
    """The organiser's stored copy with each attendee's SCHEDULE-STATUS (RFC 6638 §3.2.9), so
    the client shows which invitations could not be delivered."""
    calendar = Calendar.from_ical(ics)
    for event in _events(calendar):
        for attendee in _attendees(event):
            status = statuses.get(_address(attendee))
            if status is not None:
                attendee.params["SCHEDULE-STATUS"] = vText(status)
    return str(calendar.to_ical().decode("utf-8"))


def _organizer_store(
    owner: str, before: EventVersion | None, after: EventVersion
) -> list[Outgoing]:
    now = set(_scheduled(owner, after.ics))
    then = set(_scheduled(owner, before.ics)) if before is not None else set()
    plans: list[Outgoing] = []
    removed = tuple(sorted(then - now))
    if removed:
        plans.append(_cancel(after, removed))  # RFC 6638 §3.2.1.2: removed attendees
    if after.cancelled:
        if now:
            plans.append(_cancel(after, tuple(sorted(now))))
        return plans
    changed = before is None or any(
        getattr(before, name) != getattr(after, name) for name in _SIGNIFICANT
    )
    added = now - then
    targets = now if changed else added
    if targets:
        plans.append(Outgoing(Method.REQUEST, tuple(sorted(targets)), _request(after)))
    return plans


def _request(version: EventVersion) -> bytes:
    """The client's object as a REQUEST: METHOD set, alarms (the organiser's own) and the
    server-only parameters stripped."""
    calendar = Calendar.from_ical(version.ics)
    calendar.pop("METHOD", None)
    calendar.add("method", Method.REQUEST.value)
    for event in _events(calendar):
        event.subcomponents = [c for c in event.subcomponents if not isinstance(c, Alarm)]
        for attendee in _attendees(event):
            for name in _SERVER_ONLY_PARAMS:
                attendee.params.pop(name, None)
    return bytes(calendar.to_ical())


def _cancel(version: EventVersion, recipients: tuple[str, ...]) -> Outgoing:
    """RFC 5546 §3.2.5: a CANCEL names the UID, a higher SEQUENCE and the attendees it
    concerns."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", Method.CANCEL.value)
    event = Event()
    event.add("uid", version.uid)
    event.add("sequence", version.sequence + 1)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", version.start)
    event.add("summary", version.summary)
    event.add("status", "CANCELLED")
    if version.organizer is not None:
        event.add("organizer", vCalAddress(f"mailto:{version.organizer.address}"))
    for address in recipients:
        event.add("attendee", vCalAddress(f"mailto:{address}"))
    calendar.add_component(event)
    return Outgoing(Method.CANCEL, recipients, bytes(calendar.to_ical()))


def _reply(owner: str, version: EventVersion, partstat: PartStat) -> Outgoing:
    assert version.organizer is not None
    return Outgoing(
        Method.REPLY,
        (version.organizer.address,),
        reply_calendar(version, owner, partstat),
        partstat,
    )


def _is_organizer(owner: str, version: EventVersion) -> bool:
    return version.organizer is not None and version.organizer.address.lower() == owner.lower()


def _partstat(owner: str, version: EventVersion) -> PartStat | None:
    me = next((a for a in version.attendees if a.address.lower() == owner.lower()), None)
    return None if me is None else me.partstat


def _scheduled(owner: str, ics: str) -> tuple[str, ...]:
    """The attendees the server schedules: all but the organiser and those a client handles
    itself (RFC 6638 §7.1, SCHEDULE-AGENT=CLIENT or NONE)."""
    found: dict[str, None] = {}
    for event in _events(Calendar.from_ical(ics)):
        for attendee in _attendees(event):
            agent = str(attendee.params.get("SCHEDULE-AGENT", "SERVER")).upper()
            address = _address(attendee)
            if agent == "SERVER" and address and address != owner.lower():
                found[address] = None
    return tuple(found)


def _events(calendar: Calendar) -> Iterable[Event]:
    return [c for c in calendar.subcomponents if isinstance(c, Event)]


def _attendees(event: Event) -> list[vCalAddress]:
    value = event.get("ATTENDEE")
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _address(attendee: vCalAddress) -> str:
    text = str(attendee)
    return text[7:].lower() if text.lower().startswith("mailto:") else ""
