"""The queue in the store: durable enqueue, exclusive leases, outcomes under the lease, backoff,
deletion when done, operator commands, and nothing readable in the database."""

from __future__ import annotations

import pytest

from crypto.queuekey import QueueKey
from mss.config import Settings
from mss.queue import QueueRecipient
from mss.queue.outcomes import outcome_of
from mss.queue.relay import Attempt, Verdict
from mss.queue.schedule import MS, now_ms
from mss.queue.sealing import open_queued
from mss.runtime import Runtime
from mss.store.errors import NotFound
from mss.store.queue_records import RecipientState
from queue_support import DOCTOR, NURSE, SENDER, dump_database, encodings_of, make_queue, sample
from support import sample_message

LEASE = 60_000
OWNER = "test/1"


async def test_enqueue_is_durable_and_listed_without_content(
    runtime: Runtime, queue_key: QueueKey
) -> None:
    queue = make_queue(runtime, queue_key)
    recipients = [
        QueueRecipient(DOCTOR, ("SUCCESS", "FAILURE"), "rfc822;Dr.House@clinique.example"),
        QueueRecipient("<Nurse@Clinique.Example>"),
    ]
    queue_id = await queue.enqueue(SENDER, recipients, sample("a"), envid="E1", ret="hdrs")

    listing = await queue.store.listing()
    assert [(e.message_id, e.recipient.address) for e in listing] == [
        (queue_id, DOCTOR),
        (queue_id, "Nurse@clinique.example"),
    ]
    first = listing[0].recipient
    assert (first.notify, first.orcpt, first.state) == (
        "SUCCESS,FAILURE",
        "rfc822;Dr.House@clinique.example",
        RecipientState.PENDING,
    )
    message = await queue.store.get_message(queue_id)
    assert message is not None
    assert (message.sender, message.envid, message.ret, message.size) == (
        SENDER,
        "E1",
        "HDRS",
        len(sample("a")),
    )


async def test_bad_parameters_are_refused_before_anything_is_stored(
    runtime: Runtime, queue_key: QueueKey
) -> None:
    queue = make_queue(runtime, queue_key)
    cases: list[tuple[list[QueueRecipient], str | None, str | None, str]] = [
        ([], None, None, "at least one recipient"),
        ([QueueRecipient("no-at-sign")], None, None, "not an address"),
        ([QueueRecipient(DOCTOR, ("NEVER", "SUCCESS"))], None, None, "NOTIFY=NEVER"),
        ([QueueRecipient(DOCTOR)], "ALL", None, "RET"),
        ([QueueRecipient(DOCTOR)], None, "x" * 101, "ENVID"),
    ]
    for recipients, ret, envid, message in cases:
        with pytest.raises(ValueError, match=message):
            await queue.enqueue(SENDER, recipients, b"x", ret=ret, envid=envid)
    assert await queue.store.listing() == []


async def test_a_lease_is_exclusive_until_it_expires(runtime: Runtime, queue_key: QueueKey) -> None:
    queue = make_queue(runtime, queue_key)
    await queue.enqueue(SENDER, [QueueRecipient(DOCTOR), QueueRecipient(NURSE)], b"x")
    now = now_ms()
    first = await queue.store.lease_due("a", queue_key.key_id, now, LEASE, 10)
    assert [r.address for r in first] == [DOCTOR, NURSE] and first[0].lease_owner == "a"
    assert await queue.store.lease_due("b", queue_key.key_id, now, LEASE, 10) == []
    later = now + LEASE
    taken_over = await queue.store.lease_due("b", queue_key.key_id, later, LEASE, 10)
    assert [r.lease_owner for r in taken_over] == ["b", "b"]


async def test_a_worker_leases_only_what_its_key_can_open(
    runtime: Runtime, queue_key: QueueKey
) -> None:
    queue = make_queue(runtime, queue_key)
    await queue.enqueue(SENDER, [QueueRecipient(DOCTOR)], b"x")
    stranger = QueueKey.generate()
    assert await queue.store.lease_due(OWNER, stranger.key_id, now_ms(), LEASE, 10) == []


async def test_transient_failures_back_off_and_a_lost_lease_writes_nothing(
    runtime: Runtime, queue_key: QueueKey, settings: Settings
) -> None:
    queue = make_queue(runtime, queue_key)
    queue_id = await queue.enqueue(SENDER, [QueueRecipient(DOCTOR)], b"x")
    message = await queue.store.get_message(queue_id)
    assert message is not None
    refused = Attempt(Verdict.TRANSIENT, "4.4.1", "connection refused")
    now = message.created_at_ms
    for attempt, expected_delay in enumerate([0.2, 0.4, 0.4], start=1):
        [leased] = await queue.store.lease_due(OWNER, queue_key.key_id, now, LEASE, 10)
        outcome = outcome_of(leased, refused, message, "127.0.0.1", now, settings.queue)
        await queue.store.record("someone-else", [outcome])
        assert (await queue.store.listing())[0].recipient.attempts == attempt - 1
        await queue.store.record(OWNER, [outcome])
        [entry] = await queue.store.listing()
        assert entry.recipient.attempts == attempt
        assert entry.recipient.next_attempt_ms == now + int(expected_delay * MS)
        assert entry.recipient.lease_owner is None and entry.recipient.status == "4.4.1"
        assert await queue.store.lease_due(OWNER, queue_key.key_id, now, LEASE, 10) == []
        now = entry.recipient.next_attempt_ms


async def test_a_message_is_deleted_once_nothing_is_left_to_send_or_report(
    runtime: Runtime, queue_key: QueueKey, settings: Settings
) -> None:
    queue = make_queue(runtime, queue_key)
    queue_id = await queue.enqueue(SENDER, [QueueRecipient(DOCTOR), QueueRecipient(NURSE)], b"x")
    message = await queue.store.get_message(queue_id)
    assert message is not None
    now = now_ms()
    doctor, nurse = await queue.store.lease_due(OWNER, queue_key.key_id, now, LEASE, 10)
    delivered = Attempt(Verdict.DELIVERED, "2.0.0", "ok", "250 2.0.0 OK")
    await queue.store.record(
        OWNER, [outcome_of(doctor, delivered, message, "mx", now, settings.queue)]
    )
    assert await queue.store.get_message(queue_id) is not None, "the nurse is still pending"
    refused = Attempt(Verdict.PERMANENT, "5.1.1", "no such user", "550 5.1.1 no")
    failed = outcome_of(nurse, refused, message, "mx", now, settings.queue)
    assert failed.report_due is None, "no local account: nobody to report to"
    await queue.store.record(OWNER, [failed])
    assert await queue.store.get_message(queue_id) is None
    assert await queue.store.listing() == []


async def test_retry_and_drop(runtime: Runtime, queue_key: QueueKey) -> None:
    queue = make_queue(runtime, queue_key)
    queue_id = await queue.enqueue(SENDER, [QueueRecipient(DOCTOR)], b"x")
    assert await queue.store.retry(queue_id, 42) == 1
    assert (await queue.store.listing())[0].recipient.next_attempt_ms == 42
    await queue.store.drop(queue_id)
    assert await queue.store.listing() == []
    with pytest.raises(NotFound):
        await queue.store.retry(queue_id, 0)
    with pytest.raises(NotFound):
        await queue.store.drop(queue_id)


async def test_queued_content_is_nowhere_readable_in_the_database(
    runtime: Runtime, queue_key: QueueKey, canary: str
) -> None:
    queue = make_queue(runtime, queue_key)
    raw = sample_message(canary)
    queue_id = await queue.enqueue(SENDER, [QueueRecipient(DOCTOR)], raw)

    dump = await dump_database(runtime)
    assert DOCTOR.encode() in dump, "the dump must hold the queue rows, or it proves nothing"
    for needle in encodings_of(canary, raw):
        assert needle not in dump, f"found {needle!r} in the database dump"
    key_file = runtime.settings.data_path(runtime.settings.queue.key).read_bytes()
    assert key_file.split()[1] not in dump, "the queue's private key never enters the database"
    message = await queue.store.get_message(queue_id)
    assert message is not None
    assert open_queued(message, queue_key) == raw
