"""One event as a standalone iCalendar file (RFC 5545), for download into another calendar."""

from __future__ import annotations

from icalendar import Calendar, Event, Timezone

from mss.calendar.messages import PRODID
from mss.calendar.model import EventVersion


def event_ics(version: EventVersion) -> bytes:
    """The event without an iTIP METHOD (a plain calendar object, RFC 5545 §3.7.2), with the
    time zones it uses, so importing it creates the event instead of answering an invitation."""
    original = Calendar.from_ical(version.ics)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    for component in original.subcomponents:
        if isinstance(component, Timezone | Event):
            calendar.add_component(component)
    return bytes(calendar.to_ical())
