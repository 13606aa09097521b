"""Reminders: prepared at delivery as sealed messages, delivered when due by the worker, never
read by it; a stale update does not replace a newer event's reminders."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from mailserver import DOCTOR, PASSWORD, PATIENT, MailServer, read_mailbox
from mss.calendar.worker import ReminderWorker
from tests.agenda.fixtures import invitation, vevent


def _local(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S")


async def _send(server: MailServer, raw: bytes) -> None:
    async with server.submission_client() as client:
        await client.login(DOCTOR, PASSWORD)
        await client.sendmail(DOCTOR, [PATIENT], raw)


async def test_a_reminder_due_in_thirty_seconds_reaches_the_inbox(server: MailServer) -> None:
    runtime = server.runtime
    start = datetime.now(UTC) + timedelta(hours=2, seconds=30)
    calendar = vevent(
        DOCTOR, PATIENT, tzid="UTC", timezone="", start=_local(start),
        end=_local(start + timedelta(minutes=20)), summary="Vaccin rappel",
    )  # fmt: skip
    await _send(server, invitation(DOCTOR, PATIENT, calendar))
    patient = await runtime.accounts.authenticate(PATIENT, PASSWORD)
    (event,) = await runtime.calendar.events(patient)
    assert await runtime.calendar.reminder_offsets(patient, event) == [2 * 3600], (
        "the day-before reminder is already past and is not scheduled"
    )

    store = runtime.calendar.store
    now = ReminderWorker(store, runtime.store, 0.1)
    assert await now.run_once() == 0, "nothing is due yet"
    test_clock = ReminderWorker(store, runtime.store, 0.1, clock=lambda: time.time() + 60)
    assert await test_clock.run_once() == 1
    assert await test_clock.run_once() == 0, "a delivered reminder is gone"

    inbox = await read_mailbox(runtime, PATIENT)
    assert len(inbox) == 2
    assert b"Subject: Rappel : Vaccin rappel (2 heures avant)" in inbox[1]
    assert b"Quand :" in inbox[1]


async def test_worker_service_delivers_on_its_own(server: MailServer) -> None:
    runtime = server.runtime
    # Due 30 s from now: the service schedules only reminders still ahead when the invitation
    # lands, and on a loaded machine sending can take seconds; the worker's clock runs 60 s ahead.
    start = datetime.now(UTC) + timedelta(hours=2, seconds=30)
    calendar = vevent(
        DOCTOR, PATIENT, tzid="UTC", timezone="", start=_local(start),
        end=_local(start + timedelta(minutes=20)),
    )  # fmt: skip
    await _send(server, invitation(DOCTOR, PATIENT, calendar))
    worker = ReminderWorker(
        runtime.calendar.store, runtime.store, 0.05, clock=lambda: time.time() + 60
    )
    await worker.start()
    try:
        deadline = time.monotonic() + 30  # a bound for a loaded machine, not a timing claim
        while time.monotonic() < deadline:
            if len(await read_mailbox(runtime, PATIENT)) == 2:
                break
            await asyncio.sleep(0.05)
    finally:
        await worker.stop()
    assert len(await read_mailbox(runtime, PATIENT)) == 2


async def test_a_stale_update_keeps_the_newer_reminders(server: MailServer) -> None:
    runtime = server.runtime
    start = datetime.now(UTC) + timedelta(days=5)
    newer = vevent(
        DOCTOR, PATIENT, tzid="UTC", timezone="", sequence=2, start=_local(start),
        end=_local(start + timedelta(minutes=20)), stamp="20261201T120000Z",
    )  # fmt: skip
    await _send(server, invitation(DOCTOR, PATIENT, newer))
    patient = await runtime.accounts.authenticate(PATIENT, PASSWORD)
    (event,) = await runtime.calendar.events(patient)
    before = await runtime.calendar.store.reminders_of(patient.account.id, event.tag)

    stale_start = start + timedelta(days=1)
    stale = vevent(
        DOCTOR, PATIENT, tzid="UTC", timezone="", sequence=1, start=_local(stale_start),
        end=_local(stale_start + timedelta(minutes=20)), stamp="20261201T130000Z",
    )  # fmt: skip
    await _send(server, invitation(DOCTOR, PATIENT, stale))
    after = await runtime.calendar.store.reminders_of(patient.account.id, event.tag)
    assert [r.due_at for r in after] == [r.due_at for r in before]
    (event,) = await runtime.calendar.events(patient)
    assert event.current.sequence == 2
