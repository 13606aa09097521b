"""Invitations end to end: a professional's client sends iMIP over submission, the patient's
agenda shows the event, the patient's answer reaches the professional's IMAP INBOX as a REPLY
that icalendar reads, updates move the event, a CANCEL cancels it and its reminders."""

from __future__ import annotations

import asyncio
import email
import imaplib
from datetime import UTC, datetime, timedelta
from email.policy import default

from icalendar import Calendar

from mailserver import DOCTOR, PASSWORD, PATIENT, MailServer
from mss.calendar.model import PartStat, Person
from queue_support import dump_database
from tests.agenda.fixtures import invitation, vevent


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


async def _send(server: MailServer, raw: bytes) -> None:
    async with server.submission_client() as client:
        await client.login(DOCTOR, PASSWORD)
        await client.sendmail(DOCTOR, [PATIENT], raw)


def _imap_messages(server: MailServer, address: str) -> list[bytes]:
    with imaplib.IMAP4_SSL(
        "localhost", server.port("imaps"), ssl_context=server.client_context()
    ) as client:
        client.login(address, PASSWORD)
        client.select("INBOX", readonly=True)
        _, data = client.uid("FETCH", "1:*", "(BODY.PEEK[])")
        return [part[1] for part in data if isinstance(part, tuple)]


async def test_invitation_answer_update_and_cancel(server: MailServer) -> None:
    runtime = server.runtime
    start = (datetime.now(UTC) + timedelta(days=8)).replace(microsecond=0, second=0)
    paris = {
        "start": _local(start.replace(tzinfo=None)),
        "end": _local((start + timedelta(minutes=30)).replace(tzinfo=None)),
    }
    first = vevent(DOCTOR, PATIENT, tzid="UTC", timezone="", **paris)
    await _send(server, invitation(DOCTOR, PATIENT, first))

    patient = await runtime.accounts.authenticate(PATIENT, PASSWORD)
    (event,) = await runtime.calendar.events(patient)
    assert event.current.summary == "Consultation de suivi"
    assert event.current.start == start
    assert event.source.uid == 1, "the event points at the message that brought it"
    pending = await runtime.calendar.reminder_offsets(patient, event)
    assert pending == [24 * 3600, 2 * 3600], "the day before and two hours before"

    await runtime.calendar.respond(patient, event, PartStat.ACCEPTED)
    replies = await asyncio.to_thread(_imap_messages, server, DOCTOR)
    reply = email.message_from_bytes(replies[-1], policy=default)
    parts = [p for p in reply.walk() if p.get_content_type() == "text/calendar"]
    assert parts and parts[0].get_param("method") == "REPLY"
    calendar = Calendar.from_ical(parts[0].get_payload(decode=True))
    (answered,) = calendar.walk("VEVENT")
    attendee = answered["ATTENDEE"]
    assert str(attendee).lower() == f"mailto:{PATIENT}"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"
    assert str(answered["UID"]) == "rdv-2026-1@hopital.example"
    (event,) = await runtime.calendar.events(patient)
    assert event.my_partstat is PartStat.ACCEPTED

    later = start + timedelta(days=1)
    moved = vevent(
        DOCTOR, PATIENT, tzid="UTC", timezone="", sequence=1,
        stamp=_stamp(datetime.now(UTC)), start=_local(later.replace(tzinfo=None)),
        end=_local((later + timedelta(minutes=30)).replace(tzinfo=None)),
    )  # fmt: skip
    await _send(server, invitation(DOCTOR, PATIENT, moved))
    (event,) = await runtime.calendar.events(patient)
    assert event.current.start == later and event.current.sequence == 1

    cancel = vevent(
        DOCTOR, PATIENT, method="CANCEL", tzid="UTC", timezone="", sequence=1,
        stamp=_stamp(datetime.now(UTC) + timedelta(seconds=5)), **paris,
    )  # fmt: skip
    await _send(server, invitation(DOCTOR, PATIENT, cancel, method="CANCEL"))
    (event,) = await runtime.calendar.events(patient)
    assert event.cancelled
    assert await runtime.calendar.reminder_offsets(patient, event) == []


async def test_a_malformed_calendar_stays_a_plain_attachment(server: MailServer) -> None:
    broken = vevent(DOCTOR, PATIENT).replace("DTSTART;TZID=Europe/Paris:20261210T143000", "")
    await _send(server, invitation(DOCTOR, PATIENT, broken))
    patient = await server.runtime.accounts.authenticate(PATIENT, PASSWORD)
    assert await server.runtime.calendar.events(patient) == []
    assert len(await asyncio.to_thread(_imap_messages, server, PATIENT)) == 1


async def test_the_database_holds_no_word_of_an_event(server: MailServer, canary: str) -> None:
    calendar = vevent(
        DOCTOR, PATIENT, summary=f"Titre {canary}", location=f"Lieu {canary}",
        description=f"Note {canary}", start="20991210T143000", end="20991210T150000",
    )  # fmt: skip
    await _send(server, invitation(DOCTOR, PATIENT, calendar))
    patient = await server.runtime.accounts.authenticate(PATIENT, PASSWORD)
    (event,) = await server.runtime.calendar.events(patient)
    assert canary in event.current.summary
    assert len(await server.runtime.calendar.reminder_offsets(patient, event)) == 2
    dump = await dump_database(server.runtime)
    assert canary.encode() not in dump
    assert canary.encode("utf-16-le") not in dump


async def test_schedule_invitation_and_the_organisers_copy_learns_the_answer(
    server: MailServer,
) -> None:
    """The one entry point establishments' software will call: the attendee's REPLY updates the
    organiser's copy of the attendee's PARTSTAT (RFC 5546 §3.2.3)."""
    runtime = server.runtime
    doctor = await runtime.accounts.authenticate(DOCTOR, PASSWORD)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    uid = await runtime.calendar.schedule_invitation(
        doctor, [Person(PATIENT)], "Bilan annuel", start, start + timedelta(minutes=45),
        location="Cabinet", description="À jeun.",
    )  # fmt: skip
    patient = await runtime.accounts.authenticate(PATIENT, PASSWORD)
    (received,) = await runtime.calendar.events(patient)
    assert received.current.uid == uid and received.current.summary == "Bilan annuel"
    await runtime.calendar.respond(patient, received, PartStat.TENTATIVE)
    (organised,) = await runtime.calendar.events(doctor)
    assert organised.current.uid == uid
    assert organised.replies == {PATIENT: PartStat.TENTATIVE}
