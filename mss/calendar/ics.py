"""One event as a standalone iCalendar file (RFC 5545), for download into another calendar."""

from __future__ import annotations

from collections.abc import Mapping

from icalendar import Calendar, Event, Timezone, vText

from mss.calendar.messages import PRODID
from mss.calendar.model import EventVersion, PartStat


def event_ics(version: EventVersion, replies: Mapping[str, PartStat] | None = None) -> bytes:
    """The event without an iTIP METHOD (a plain calendar object, RFC 5545 §3.7.2), with the
    time zones it uses, so importing it creates the event instead of answering an invitation.

    ``replies`` are the attendees' answers the organiser received: RFC 6638 §3.2.2 has the
    server write them into the organiser's copy, which is what calendar clients show."""
    original = Calendar.from_ical(version.ics)
    for component in original.subcomponents:
        if isinstance(component, Event) and replies:
            _apply_replies(component, replies)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    for component in original.subcomponents:
        if isinstance(component, Timezone | Event):
            calendar.add_component(component)
    return bytes(calendar.to_ical())


def _apply_replies(event: Event, replies: Mapping[str, PartStat]) -> None:
    value = event.get("ATTENDEE")
    attendees = value if isinstance(value, list) else [] if value is None else [value]
    for attendee in attendees:
        address = str(attendee).lower().removeprefix("mailto:")
        if address in replies:
            attendee.params["PARTSTAT"] = vText(replies[address].value)
