"""The messages the calendar writes: an attendee's iMIP REPLY, an organiser's REQUEST, and a
reminder for the owner's own INBOX. Built with the email package and icalendar, never by hand."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from mss.calendar.model import EventVersion, Method, PartStat, Person
from mss.calendar.wording import ANSWERS, french_offset, french_when

PRODID = "-//MSS//Agenda//FR"


def reply_calendar(version: EventVersion, attendee: str, partstat: PartStat) -> bytes:
    """RFC 5546 §3.2.3: a REPLY carries the replying ATTENDEE only, with its PARTSTAT, and the
    UID, SEQUENCE and ORGANIZER of the request; the VTIMEZONEs travel with it (a REPLY that uses a
    TZID must define it)."""
    original = Calendar.from_ical(version.ics)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", Method.REPLY.value)
    for component in original.subcomponents:
        if isinstance(component, Timezone):
            calendar.add_component(component)
    for component in original.subcomponents:
        if not isinstance(component, Event) or "RECURRENCE-ID" in component:
            continue
        event = Event()
        for name in ("UID", "SEQUENCE", "DTSTART", "DTEND", "DURATION", "SUMMARY", "ORGANIZER"):
            if name in component:
                event[name] = component[name]
        event.add("dtstamp", datetime.now(UTC))
        me = vCalAddress(f"mailto:{attendee}")
        me.params["PARTSTAT"] = vText(partstat.value)
        event.add("attendee", me)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def reply_message(
    version: EventVersion, attendee: Person, partstat: PartStat, in_reply_to: str | None
) -> bytes:
    if version.organizer is None:
        raise ValueError("the invitation names no organiser to answer")
    message = EmailMessage(policy=SMTP)
    message["From"] = _address(attendee)
    message["To"] = _address(version.organizer)
    message["Subject"] = f"{ANSWERS[partstat]} : {version.summary}"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=attendee.address.rpartition("@")[2])
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    when = french_when(version.start, version.end, version.all_day)
    message.set_content(f"{ANSWERS[partstat]} : {version.summary}, {when}.\n")
    # RFC 6047 §2.4: the iTIP object as text/calendar with the matching method parameter.
    message.add_alternative(
        reply_calendar(version, attendee.address, partstat),
        maintype="text",
        subtype="calendar",
        params={"method": Method.REPLY.value, "charset": "utf-8"},
    )
    return message.as_bytes()


def invitation_calendar(
    organizer: Person,
    attendees: Sequence[Person],
    summary: str,
    start: datetime,
    end: datetime,
    location: str = "",
    description: str = "",
) -> tuple[str, bytes]:
    """A REQUEST from ``organizer`` (RFC 5546 §3.2.2), with the new UID it carries."""
    uid = f"{uuid.uuid4()}@{organizer.address.rpartition('@')[2]}"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", Method.REQUEST.value)
    event = Event()
    event.add("uid", uid)
    event.add("sequence", 0)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    who = vCalAddress(f"mailto:{organizer.address}")
    if organizer.name:
        who.params["CN"] = vText(organizer.name)
    event.add("organizer", who)
    for attendee in attendees:
        address = vCalAddress(f"mailto:{attendee.address}")
        address.params.update(
            {
                "PARTSTAT": vText(PartStat.NEEDS_ACTION.value),
                "RSVP": vText("TRUE"),
                "ROLE": vText("REQ-PARTICIPANT"),
            }
        )
        if attendee.name:
            address.params["CN"] = vText(attendee.name)
        event.add("attendee", address)
    calendar.add_component(event)
    return uid, bytes(calendar.to_ical())


def invitation_message(
    organizer: Person,
    attendees: Sequence[Person],
    summary: str,
    calendar: bytes,
    when: str,
) -> bytes:
    return itip_message(
        organizer, attendees, f"Invitation : {summary}", f"{summary}\n{when}\n", calendar
    )


def itip_message(
    sender: Person,
    recipients: Sequence[Person],
    subject: str,
    text: str,
    calendar: bytes,
    method: Method = Method.REQUEST,
) -> bytes:
    """RFC 6047 §2.4: a readable text part, and the iTIP object as a ``text/calendar``
    alternative whose ``method`` parameter matches its METHOD."""
    message = EmailMessage(policy=SMTP)
    message["From"] = _address(sender)
    message["To"] = ", ".join(_address(a) for a in recipients)
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender.address.rpartition("@")[2])
    message.set_content(text)
    message.add_alternative(
        calendar,
        maintype="text",
        subtype="calendar",
        params={"method": method.value, "charset": "utf-8"},
    )
    return message.as_bytes()


def reminder_message(
    version: EventVersion, owner: str, start: datetime, offset: int, hostname: str
) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"] = f"Mon agenda <agenda@{hostname}>"
    message["To"] = owner
    message["Subject"] = f"Rappel : {version.summary or 'rendez-vous'} ({french_offset(offset)})"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=hostname)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834 §5
    lines = [
        f"Rappel de votre rendez-vous : {version.summary or 'rendez-vous'}",
        f"Quand : {french_when(start, version.end and start + (version.end - version.start))}",
    ]
    if version.location:
        lines.append(f"Où : {version.location}")
    if version.organizer is not None:
        lines.append(f"Organisé par : {version.organizer.name or version.organizer.address}")
    message.set_content("\n".join(lines) + "\n")
    return message.as_bytes()


def _address(person: Person) -> str:
    local, _, domain = person.address.rpartition("@")
    return str(Address(person.name or "", local, domain))
