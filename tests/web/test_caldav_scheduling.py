"""Implicit scheduling over CalDAV (RFC 6638 §3.2), with the `caldav` client as Thunderbird or
DAVx5 would drive it: an organiser's PUT invites, a move updates, a DELETE cancels; an
attendee's PUT with a new PARTSTAT answers; the outcome per attendee shows as SCHEDULE-STATUS."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import caldav
import httpx
from icalendar import Calendar

from mailserver import DOCTOR, NURSE, PASSWORD, PATIENT, read_mailbox
from mss.calendar.model import PartStat, Person

from .harness import PATIENT_B, Web


def _meeting(uid: str, start: datetime, attendees: list[str], sequence: int = 0) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{datetime.now(UTC):%Y%m%dT%H%M%SZ}",
        "SUMMARY:Consultation pré-opératoire",
        "LOCATION:Bâtiment B",
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
        f"DTEND:{start + timedelta(minutes=30):%Y%m%dT%H%M%SZ}",
        f"ORGANIZER;CN=Dr Jeanne Martin:mailto:{DOCTOR}",
        *attendees,
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:rappel personnel",
        "TRIGGER:-PT15M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def _attendee(address: str, partstat: str = "NEEDS-ACTION", agent: str = "") -> str:
    extra = f";SCHEDULE-AGENT={agent}" if agent else ""
    return f"ATTENDEE;PARTSTAT={partstat};RSVP=TRUE{extra}:mailto:{address}"


async def _token(web: Web, address: str) -> str:
    unlocked = await web.runtime.accounts.authenticate(address, PASSWORD)
    _, token = await web.runtime.accounts.add_app_password(unlocked, "Thunderbird")
    return token


async def _inbox_calendars(web: Web, address: str) -> list[tuple[str, Calendar]]:
    """The iMIP messages in ``address``'s INBOX: (method, calendar), as a client would read."""
    found = []
    for raw in await read_mailbox(web.runtime, address):
        message = message_from_bytes(raw, policy=policy.default)
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                found.append((part.get_param("method"), Calendar.from_ical(part.get_content())))
    return found


def _statuses(ics: str) -> dict[str, str]:
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    value = event["ATTENDEE"]
    attendees = value if isinstance(value, list) else [value]
    return {
        str(a).removeprefix("mailto:"): str(a.params.get("SCHEDULE-STATUS", "")) for a in attendees
    }


async def test_organiser_invites_moves_and_cancels_through_caldav(web: Web) -> None:
    token = await _token(web, DOCTOR)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    uid = "pre-op-1@hopital.example"
    attendees = [_attendee(PATIENT), _attendee(NURSE, agent="CLIENT")]

    def organise(ics: str) -> str:
        with caldav.DAVClient(url=f"{web.url}/dav/", username=DOCTOR, password=token) as client:
            (agenda,) = client.principal().calendars()
            agenda.save_event(ics)
            return str(agenda.event_by_uid(uid).data)

    stored = await asyncio.to_thread(organise, _meeting(uid, start, attendees))
    # RFC 6638 §7.1: the nurse's client schedules her itself; the patient got the REQUEST.
    assert _statuses(stored) == {PATIENT: "1.2", NURSE: ""}
    patient = await web.runtime.accounts.authenticate(PATIENT, PASSWORD)
    (event,) = await web.runtime.calendar.events(patient)
    assert (event.current.start, event.current.location) == (start, "Bâtiment B")
    [(method, calendar)] = await _inbox_calendars(web, PATIENT)
    assert method == "REQUEST"
    assert not list(calendar.walk("VALARM")), "the organiser's alarm is not sent"
    assert "SCHEDULE-AGENT" not in calendar.to_ical().decode()
    assert not await _inbox_calendars(web, NURSE)

    moved = start + timedelta(days=1)
    await asyncio.to_thread(organise, _meeting(uid, moved, attendees, sequence=1))
    (event,) = await web.runtime.calendar.events(patient)
    assert event.current.start == moved

    def cancel() -> None:
        with caldav.DAVClient(url=f"{web.url}/dav/", username=DOCTOR, password=token) as client:
            (agenda,) = client.principal().calendars()
            agenda.event_by_uid(uid).delete()

    await asyncio.to_thread(cancel)
    (event,) = await web.runtime.calendar.events(patient)
    assert event.cancelled
    methods = [method for method, _ in await _inbox_calendars(web, PATIENT)]
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]


async def test_attendee_answers_by_saving_the_event_and_the_organiser_sees_it(web: Web) -> None:
    doctor = await web.runtime.accounts.authenticate(DOCTOR, PASSWORD)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    uid = await web.runtime.calendar.schedule_invitation(
        doctor, [Person(PATIENT)], "Vaccination", start, start + timedelta(minutes=15)
    )
    token = await _token(web, PATIENT)
    doctor_token = await _token(web, DOCTOR)

    def accept() -> None:
        with caldav.DAVClient(url=f"{web.url}/dav/", username=PATIENT, password=token) as client:
            (agenda,) = client.principal().calendars()
            found = agenda.event_by_uid(uid)
            component = found.icalendar_component
            component["ATTENDEE"].params["PARTSTAT"] = "ACCEPTED"
            found.save()

    await asyncio.to_thread(accept)
    [(method, calendar)] = await _inbox_calendars(web, DOCTOR)
    assert method == "REPLY"
    (reply,) = calendar.walk("VEVENT")
    assert reply["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    (event,) = await web.runtime.calendar.events(doctor)
    assert event.replies == {PATIENT: PartStat.ACCEPTED}
    patient = await web.runtime.accounts.authenticate(PATIENT, PASSWORD)
    (mine,) = await web.runtime.calendar.events(patient)
    assert mine.my_partstat is PartStat.ACCEPTED

    def organiser_view() -> str:
        with caldav.DAVClient(
            url=f"{web.url}/dav/", username=DOCTOR, password=doctor_token
        ) as client:
            (agenda,) = client.principal().calendars()
            return str(agenda.event_by_uid(uid).data)

    assert "PARTSTAT=ACCEPTED" in await asyncio.to_thread(organiser_view)

    def remove() -> None:
        with caldav.DAVClient(url=f"{web.url}/dav/", username=PATIENT, password=token) as client:
            (agenda,) = client.principal().calendars()
            agenda.event_by_uid(uid).delete()

    await asyncio.to_thread(remove)
    (event,) = await web.runtime.calendar.events(doctor)
    assert event.replies == {PATIENT: PartStat.DECLINED}


async def test_an_invitation_the_policy_refuses_is_reported_not_sent(web: Web) -> None:
    """A patient writes only to professionals who wrote first: inviting another patient is
    refused per attendee (SCHEDULE-STATUS 3.7) while the event itself is kept."""
    token = await _token(web, PATIENT)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    ics = _meeting("goûter@patient.example", start, [_attendee(PATIENT_B)]).replace(
        f"ORGANIZER;CN=Dr Jeanne Martin:mailto:{DOCTOR}", f"ORGANIZER:mailto:{PATIENT}"
    )

    def organise() -> str:
        with caldav.DAVClient(url=f"{web.url}/dav/", username=PATIENT, password=token) as client:
            (agenda,) = client.principal().calendars()
            agenda.save_event(ics)
            return str(agenda.event_by_uid("goûter@patient.example").data)

    assert _statuses(await asyncio.to_thread(organise)) == {PATIENT_B: "3.7"}
    other = await web.runtime.accounts.authenticate(PATIENT_B, PASSWORD)
    assert await web.runtime.calendar.events(other) == []


async def test_the_server_says_it_schedules(web: Web) -> None:
    """Without ``calendar-auto-schedule`` (RFC 6638 §2) Thunderbird would mail the invitations
    itself, and attendees would get each one twice."""
    token = await _token(web, DOCTOR)
    async with httpx.AsyncClient(base_url=web.url, auth=(DOCTOR, token)) as client:
        answer = await client.options(f"/dav/{DOCTOR}/agenda/")
    assert "calendar-access" in answer.headers["dav"]
    assert "calendar-auto-schedule" in answer.headers["dav"]
