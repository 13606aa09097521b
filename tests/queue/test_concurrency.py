"""Several workers in two runtimes (standing for two processes) on one database: every recipient
is delivered exactly once, counted at a real receiving SMTP server."""

from __future__ import annotations

import asyncio
import collections
import email
from collections.abc import Sequence

import pytest

from crypto.queuekey import QueueKey
from mss.config import Settings
from mss.queue import QueueRecipient, QueueWorker
from mss.runtime import Runtime
from mss.store.migrate import check_schema
from mss.store.queue_records import QueuedRecipient
from mss.store.records import Account
from queue_support import (
    DOCTOR,
    NURSE,
    REMOTE_DOMAIN,
    SENDER,
    RemoteFactory,
    make_queue,
    make_trust,
    make_worker,
    sample,
    with_queue,
)

MESSAGES = 40


def count_sessions(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """SMTP sessions per lease owner ("host/pid/worker-id/task"), to see who did the work."""
    sessions: collections.Counter[str] = collections.Counter()
    original = QueueWorker._send

    async def counting(
        self: QueueWorker, owner: str, recipients: Sequence[QueuedRecipient]
    ) -> None:
        sessions[owner] += 1
        await original(self, owner, recipients)

    monkeypatch.setattr(QueueWorker, "_send", counting)
    return sessions


WORKERS_PER_RUNTIME = 3


async def test_two_runtimes_with_several_workers_never_send_a_message_twice(
    monkeypatch: pytest.MonkeyPatch,
    runtime: Runtime,
    settings: Settings,
    sender: Account,
    queue_key: QueueKey,
    remote_factory: RemoteFactory,
) -> None:
    remote = await remote_factory()
    sessions_by_owner = count_sessions(monkeypatch)
    other = await Runtime.open(settings)
    try:
        await check_schema(other.database)
        busy = with_queue(settings, workers=WORKERS_PER_RUNTIME)
        queues, workers = [], []
        for each in (runtime, other):
            queue = make_queue(each, queue_key)
            trust = make_trust(each, busy)
            if each is runtime:
                await trust.add(REMOTE_DOMAIN, "127.0.0.1", remote.port, remote.pem)
            queues.append(queue)
            workers.append(make_worker(each, queue, trust, busy))
        for index in range(MESSAGES // 2):
            await queues[0].enqueue(
                SENDER,
                [QueueRecipient(DOCTOR), QueueRecipient(NURSE)],
                sample(f"m{index}"),
                account_id=sender.id,
            )
        for worker in workers:
            await worker.start()
        # More mail arrives while both runtimes' workers are busy, through both runtimes.
        await asyncio.gather(
            *(
                queues[index % 2].enqueue(
                    SENDER,
                    [QueueRecipient(DOCTOR), QueueRecipient(NURSE)],
                    sample(f"m{index}"),
                    account_id=sender.id,
                )
                for index in range(MESSAGES // 2, MESSAGES)
            )
        )
        async with asyncio.timeout(30):
            while True:
                if not await queues[0].store.listing():
                    break
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # a duplicate would arrive now
        for worker in workers:
            await worker.stop()
    finally:
        await other.close()

    deliveries = collections.Counter(
        (email.message_from_bytes(received.data)["Message-ID"], address)
        for received in remote.received
        for address in received.recipients
    )
    runtimes = {owner.rsplit("/", 1)[0] for owner in sessions_by_owner}
    assert len(runtimes) == 2, f"both runtimes must have relayed: {sessions_by_owner}"
    assert len(deliveries) == 2 * MESSAGES
    assert set(deliveries.values()) == {1}, [key for key, n in deliveries.items() if n > 1]
