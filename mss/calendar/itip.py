"""Reading one iTIP object (RFC 5546) from the octets of a ``text/calendar`` part.

Everything from the network is clamped or refused here, before anything is stored or expanded:
size, number of components, text lengths, attendees, recurrence frequencies
(:mod:`mss.calendar.limits`). A calendar this module refuses is left as a plain attachment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from mss.calendar import limits
from mss.calendar.model import EventVersion, Method, PartStat, Person


class CalendarError(ValueError):
    """The calendar is malformed, hostile or not an iTIP object we act on."""


PARIS = ZoneInfo(limits.DEFAULT_TIMEZONE)


def parse_itip(
    data: bytes, method_hint: str | None = None, default: Method | None = None
) -> list[EventVersion]:
    """Every VEVENT of one iTIP object; :class:`CalendarError` when it must not be acted on.

    ``default`` is the method of a plain calendar object without METHOD (RFC 4791 §4.1: what a
    CalDAV client stores carries none)."""
    if len(data) > limits.MAX_CALENDAR_BYTES:
        raise CalendarError(f"calendar of {len(data)} bytes exceeds {limits.MAX_CALENDAR_BYTES}")
    try:
        calendar = Calendar.from_ical(data.decode("utf-8", errors="replace"))
    except Exception as error:  # icalendar raises ValueError, KeyError, IndexError… on bad input
        raise CalendarError(f"unreadable calendar: {error}") from error
    if not isinstance(calendar, Calendar):
        raise CalendarError("not a VCALENDAR")
    if default is not None and "METHOD" not in calendar and method_hint is None:
        method = default
    else:
        method = _method(calendar, method_hint)
    events = [c for c in calendar.subcomponents if isinstance(c, Event)]
    if not events:
        raise CalendarError("no VEVENT")
    if len(events) > limits.MAX_EVENTS:
        raise CalendarError(f"{len(events)} VEVENTs exceed {limits.MAX_EVENTS}")
    uids = {str(event.get("UID", "")) for event in events}
    if len(uids) != 1 or "" in uids:
        raise CalendarError("an iTIP object carries exactly one UID (RFC 5546 §2.1.2)")
    for event in events:
        _clamp_text(event)
        _check_rrule(event)
    ics = calendar.to_ical().decode("utf-8")
    return [_version(method, event, ics) for event in events if "RECURRENCE-ID" not in event]


def _method(calendar: Calendar, hint: str | None) -> Method:
    # RFC 6047 §2.4: the MIME method parameter and the METHOD property must agree.
    value = str(calendar.get("METHOD", hint or "")).upper()
    if hint and hint.upper() != value:
        raise CalendarError(f"METHOD {value} differs from the part's method={hint}")
    try:
        return Method(value)
    except ValueError:
        raise CalendarError(f"unsupported METHOD {value or '(none)'}") from None


def _clamp_text(event: Event) -> None:
    for name in ("SUMMARY", "LOCATION", "DESCRIPTION"):
        value = event.get(name)
        if value is not None and len(str(value)) > limits.MAX_TEXT:
            event[name] = str(value)[: limits.MAX_TEXT]
    attendees = event.get("ATTENDEE")
    if isinstance(attendees, list) and len(attendees) > limits.MAX_ATTENDEES:
        raise CalendarError(f"{len(attendees)} attendees exceed {limits.MAX_ATTENDEES}")


def _check_rrule(event: Event) -> None:
    rules = event.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        frequencies = {str(f).upper() for f in rule.get("FREQ", [])}
        if not frequencies <= limits.ALLOWED_FREQUENCIES:
            raise CalendarError(f"recurrence frequency {sorted(frequencies)} refused")


def _version(method: Method, event: Event, ics: str) -> EventVersion:
    start, all_day = _when(event, "DTSTART")
    if start is None:
        raise CalendarError("VEVENT without DTSTART")
    end, _ = _when(event, "DTEND")
    if end is None and "DURATION" in event:
        end = start + event.decoded("DURATION")
    stamp, _ = _when(event, "DTSTAMP")
    rrule = event.get("RRULE")
    return EventVersion(
        method=method,
        uid=str(event["UID"]),
        sequence=_int(event.get("SEQUENCE", 0)),
        dtstamp=stamp or datetime.fromtimestamp(0, UTC),
        summary=str(event.get("SUMMARY", "")),
        location=str(event.get("LOCATION", "")),
        description=str(event.get("DESCRIPTION", "")),
        organizer=_person(event.get("ORGANIZER")),
        attendees=tuple(p for p in map(_person, _list(event.get("ATTENDEE"))) if p is not None),
        start=start,
        end=end,
        all_day=all_day,
        cancelled=method is Method.CANCEL or str(event.get("STATUS", "")).upper() == "CANCELLED",
        rrule=_rule_text(rrule),
        ics=ics,
    )


def _when(event: Event, name: str) -> tuple[datetime | None, bool]:
    if name not in event:
        return None, False
    try:
        value = event.decoded(name)
    except Exception as error:
        raise CalendarError(f"bad {name}: {error}") from error
    if isinstance(value, datetime):
        return (value.replace(tzinfo=PARIS) if value.tzinfo is None else value), False
    if isinstance(value, date):
        return datetime.combine(value, time(0), PARIS), True
    raise CalendarError(f"bad {name}")


def _person(value: Any) -> Person | None:
    if value is None:
        return None
    address = str(value)
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    params = getattr(value, "params", {})
    try:
        partstat = PartStat(str(params.get("PARTSTAT", "NEEDS-ACTION")).upper())
    except ValueError:
        partstat = PartStat.NEEDS_ACTION
    name = params.get("CN")
    return Person(
        address=address.strip().lower(),
        name=str(name)[:200] if name else None,
        partstat=partstat,
        rsvp=str(params.get("RSVP", "FALSE")).upper() == "TRUE",
    )


def _rule_text(rule: Any) -> str | None:
    if rule is None:
        return None
    first = rule[0] if isinstance(rule, list) else rule
    return str(first.to_ical().decode())


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _int(value: Any) -> int:
    try:
        return max(0, min(int(value), 2**31 - 1))
    except (TypeError, ValueError):
        return 0
