"""Occurrences of events in a display window, bounded whatever a recurrence rule says."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, datetime, time

import recurring_ical_events
from icalendar import Calendar

from mss.calendar import limits
from mss.calendar.itip import PARIS
from mss.calendar.model import CalendarEvent, Occurrence


def occurrences(
    events: Iterable[CalendarEvent], start: datetime, end: datetime
) -> list[Occurrence]:
    """Every occurrence starting in ``[start, end)``, sorted, at most MAX_OCCURRENCES per event."""
    found: list[Occurrence] = []
    for event in events:
        version = event.current
        if version.rrule is None:
            if start <= version.start < end:
                found.append(Occurrence(event, version.start, version.end))
            continue
        found.extend(_recurring(event, start, end))
    return sorted(found, key=lambda o: o.start)


def _recurring(event: CalendarEvent, start: datetime, end: datetime) -> list[Occurrence]:
    calendar = Calendar.from_ical(event.current.ics)
    # ``after`` is a generator: a rule with COUNT=10⁹ costs only what is taken from it.
    upcoming = recurring_ical_events.of(calendar).after(start)
    result = []
    for component in itertools.islice(upcoming, limits.MAX_OCCURRENCES):
        begin = _aware(component.decoded("DTSTART"))
        if begin >= end:
            break
        finish = _aware(component.decoded("DTEND")) if "DTEND" in component else None
        result.append(Occurrence(event, begin, finish))
    return result


def _aware(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=PARIS)
    if isinstance(value, date):
        return datetime.combine(value, time(0), PARIS)
    raise ValueError(f"not a date: {value!r}")


def next_start(event: CalendarEvent, after: datetime) -> datetime | None:
    """The first start at or after ``after``: what a reminder is scheduled from."""
    version = event.current
    if version.rrule is None:
        return version.start if version.start >= after else None
    for component in itertools.islice(
        recurring_ical_events.of(Calendar.from_ical(version.ics)).after(after), 1
    ):
        return _aware(component.decoded("DTSTART"))
    return None
