"""Reminders of signature requests on the real store (SQLite, and PostgreSQL when configured):
written with the request, sealed, sent by the periodic worker when due to the signers whose turn
it is and who have not acted, once; none for a request no longer open."""

from __future__ import annotations

import asyncio
import email
import email.policy
from datetime import UTC, datetime, timedelta

from pdfs import plain_pdf

from mailserver import DOCTOR, DOMAIN, PASSWORD, PATIENT, PATIENT_DOMAIN, read_mailbox
from mss.runtime import Runtime
from mss.signatures.expiry import ExpiryWorker
from mss.signatures.messages import REQUEST_HEADER
from mss.signatures.ports import CONSENT, Actor, NewSignatureRequest
from mss.signatures.reminders import SignatureReminders
from mss.store.records import AccountKind
from mss.store.signature_reminder_sql import SqlSignatureReminderStore
from mss.store.signature_sql import SqlSignatureStore
from queue_support import dump_database, encodings_of

ADMISSIONS = f"admissions@{DOMAIN}"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def _worker(runtime: Runtime, clock: Clock) -> ExpiryWorker:
    reminders = SignatureReminders(
        SqlSignatureReminderStore(runtime.database, runtime.store.committer),
        runtime.queue.key,
        runtime.store,
        runtime.inbound,
        clock,
    )
    store = SqlSignatureStore(runtime.database, runtime.store.committer)
    return ExpiryWorker(store, 60, clock, reminders=reminders)


async def _reminders(runtime: Runtime, address: str, request_id: str) -> list[str]:
    subjects = []
    for raw in await read_mailbox(runtime, address):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if message[REQUEST_HEADER] == request_id and str(message["Subject"]).startswith("Rappel"):
            subjects.append(str(message["Subject"]))
    return subjects


async def _setup(runtime: Runtime) -> Actor:
    await runtime.store.add_domain(DOMAIN)
    await runtime.store.add_domain(PATIENT_DOMAIN, is_patient=True)
    for address, kind in (
        (ADMISSIONS, AccountKind.ORGANISATION),
        (DOCTOR, AccountKind.PROFESSIONAL),
        (PATIENT, AccountKind.PATIENT),
    ):
        await runtime.accounts.create_account(address, kind, PASSWORD, address.split("@")[0])
    return Actor(await runtime.accounts.authenticate(ADMISSIONS, PASSWORD))


def _new(title: str, days: tuple[int, ...]) -> NewSignatureRequest:
    return NewSignatureRequest(
        title=title,
        pdf=plain_pdf(1),
        signers=[PATIENT, DOCTOR],
        expires_at=datetime.now(UTC) + timedelta(days=7),
        reminder_days=days,
    )


async def test_pending_signers_are_reminded_in_turn_once(runtime: Runtime, canary: str) -> None:
    organisation = await _setup(runtime)
    service = runtime.signatures()
    title = f"Consentement {canary}"
    created = await service.create(organisation, _new(title, (1, 3, 30)))
    clock = Clock()
    worker = _worker(runtime, clock)
    assert await worker.run_once() == 0, "nothing is due yet"

    clock.now += timedelta(days=1, minutes=1)
    assert await worker.run_once() == 1
    assert await _reminders(runtime, PATIENT, created.id) == [
        f"Rappel : document à signer : {title}"
    ]
    assert await _reminders(runtime, DOCTOR, created.id) == [], "not the doctor's turn yet"
    assert await worker.run_once() == 0, "a reminder goes once"

    patient = Actor(await runtime.accounts.authenticate(PATIENT, PASSWORD))
    await service.viewed(created.id, patient)
    await service.sign(created.id, patient, CONSENT)
    clock.now += timedelta(days=2)
    assert await worker.run_once() == 1
    assert len(await _reminders(runtime, PATIENT, created.id)) == 1, "the patient has signed"
    assert len(await _reminders(runtime, DOCTOR, created.id)) == 1

    dump = await dump_database(runtime)
    for needle in encodings_of(canary, dump):
        assert needle not in dump, "reminders are sealed"


async def test_no_reminder_for_a_request_no_longer_open(runtime: Runtime) -> None:
    organisation = await _setup(runtime)
    service = runtime.signatures()
    created = await service.create(organisation, _new("Consentement", (1,)))
    await service.cancel(created.id, organisation)
    clock = Clock()
    clock.now += timedelta(days=2)
    assert await _worker(runtime, clock).run_once() == 0
    assert await _reminders(runtime, PATIENT, created.id) == []


async def test_reminders_after_the_deadline_are_not_kept(runtime: Runtime) -> None:
    organisation = await _setup(runtime)
    created = await runtime.signatures().create(organisation, _new("Consentement", (8, 9)))
    store = SqlSignatureReminderStore(runtime.database, runtime.store.committer)
    assert await store.due(int(datetime.now(UTC).timestamp()) + 100 * 86400, 10) == []
    clock = Clock()
    clock.now += timedelta(days=10)
    assert await _worker(runtime, clock).run_once() == 1  # the expiry, and no reminder
    assert await _reminders(runtime, PATIENT, created.id) == []


async def test_two_workers_send_a_reminder_once(runtime: Runtime) -> None:
    organisation = await _setup(runtime)
    created = await runtime.signatures().create(organisation, _new("Consentement", (1,)))
    clock = Clock()
    clock.now += timedelta(days=1, minutes=1)
    first, second = _worker(runtime, clock), _worker(runtime, clock)
    counts = await asyncio.gather(first.run_once(), second.run_once())
    assert sorted(counts) == [0, 1]
    assert len(await _reminders(runtime, PATIENT, created.id)) == 1
