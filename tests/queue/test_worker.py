"""The worker end to end: a real peer receives relayed mail, and the sender's INBOX receives the
DSNs that RFC 3461 says are owed — read back and parsed with Python's email package."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from crypto.queuekey import QueueKey
from mss.config import Settings
from mss.queue import NULL_SENDER, OutboundQueue, QueueRecipient
from mss.queue.worker import QueueWorker
from mss.runtime import Runtime
from mss.store.records import Account
from mss.trust import TrustRegistry
from queue_support import (
    DOCTOR,
    NURSE,
    REMOTE_DOMAIN,
    SENDER,
    Remote,
    RemoteBehaviour,
    RemoteFactory,
    inbox,
    make_queue,
    make_trust,
    make_worker,
    parse_mail,
    part,
    sample,
    status_blocks,
    with_peer,
    with_queue,
)

WAIT_SECONDS = 15.0


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = WAIT_SECONDS) -> None:
    """Poll ``check`` (the store, the INBOX: other tasks change them) until it holds."""
    async with asyncio.timeout(seconds):
        while True:
            if await check():
                return
            await asyncio.sleep(0.02)


@asynccontextmanager
async def running(worker: QueueWorker) -> AsyncIterator[QueueWorker]:
    await worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


async def trusting(runtime: Runtime, port: int, pem: bytes) -> TrustRegistry:
    trust = make_trust(runtime)
    await trust.add(REMOTE_DOMAIN, "127.0.0.1", port, pem)
    return trust


async def queue_is_empty(queue: OutboundQueue) -> bool:
    return await queue.store.listing() == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_relays_to_a_peer_of_the_configuration_file_and_reports_relayed(
    runtime: Runtime,
    sender: Account,
    queue_key: QueueKey,
    remote: Remote,
    settings: Settings,
    tmp_path: Path,
) -> None:
    """A peer without DSN cannot report success: NOTIFY=SUCCESS gets our "relayed" DSN."""
    (tmp_path / "data" / "clinique.pem").write_bytes(remote.pem)
    configured = with_peer(settings, remote.port, "clinique.pem")
    queue = make_queue(runtime, queue_key)
    worker = make_worker(runtime, queue, make_trust(runtime, configured), configured)
    recipients = [QueueRecipient(DOCTOR, ("SUCCESS",))]
    await queue.enqueue(SENDER, recipients, sample("ok"), account_id=sender.id, envid="E-7")
    async with running(worker):
        await eventually(lambda: _has_mail(runtime))
        await eventually(lambda: queue_is_empty(queue))

    [received] = remote.received
    assert received.recipients == [DOCTOR] and received.mail_from == SENDER
    assert b"Compte rendu ok" in received.data
    [raw] = await inbox(runtime)
    report = parse_mail(raw)
    [_, block] = status_blocks(report)
    assert (block["Action"], block["Status"]) == ("relayed", "2.0.0")
    assert block["Final-Recipient"] == f"rfc822;{DOCTOR}"
    assert status_blocks(report)[0]["Original-Envelope-Id"] == "E-7"
    assert part(report, 2).get_content_type() == "text/rfc822-headers"


async def _has_mail(runtime: Runtime, count: int = 1) -> bool:
    return len(await inbox(runtime)) >= count


async def test_a_peer_with_dsn_gets_the_parameters_and_reports_success_itself(
    runtime: Runtime, sender: Account, queue_key: QueueKey, remote_factory: RemoteFactory
) -> None:
    remote = await remote_factory(RemoteBehaviour(dsn=True))
    queue = make_queue(runtime, queue_key)
    worker = make_worker(runtime, queue, await trusting(runtime, remote.port, remote.pem))
    recipients = [QueueRecipient(DOCTOR, ("SUCCESS", "FAILURE"), f"rfc822;{DOCTOR}")]
    await queue.enqueue(
        SENDER, recipients, sample("dsn"), envid="E 1", ret="FULL", account_id=sender.id
    )
    async with running(worker):
        await eventually(lambda: queue_is_empty(queue))

    [received] = remote.received
    assert received.dsn_mail == ["RET=FULL", "ENVID=E+201"]
    assert received.rcpt_options == [["NOTIFY=SUCCESS,FAILURE", f"ORCPT=rfc822;{DOCTOR}"]]
    assert await inbox(runtime) == [], "RFC 3461 §5.2.1: the peer reports success, not us"


async def test_a_permanent_refusal_is_reported_at_once(
    runtime: Runtime, sender: Account, queue_key: QueueKey, remote_factory: RemoteFactory
) -> None:
    refusal = "550 5.1.1 No such mailbox here"
    remote = await remote_factory(RemoteBehaviour(refuse={DOCTOR: refusal}))
    queue = make_queue(runtime, queue_key)
    worker = make_worker(runtime, queue, await trusting(runtime, remote.port, remote.pem))
    recipients = [QueueRecipient(DOCTOR, (), f"rfc822;{DOCTOR}"), QueueRecipient(NURSE)]
    await queue.enqueue(SENDER, recipients, sample("refused"), account_id=sender.id)
    async with running(worker):
        await eventually(lambda: _has_mail(runtime))
        await eventually(lambda: queue_is_empty(queue))

    assert [r.recipients for r in remote.received] == [[NURSE]], "one session, no retry"
    [raw] = await inbox(runtime)
    report = parse_mail(raw)
    [_, block] = status_blocks(report)
    assert block["Final-Recipient"] == f"rfc822;{DOCTOR}"
    assert block["Original-Recipient"] == f"rfc822;{DOCTOR}"
    assert (block["Action"], block["Status"]) == ("failed", "5.1.1")
    assert block["Diagnostic-Code"] == f"smtp; {refusal}"
    assert block["Remote-MTA"] == "dns; 127.0.0.1"
    returned = part(report, 2)
    assert returned.get_content_type() == "message/rfc822", "no RET: the whole message"
    assert part(returned, 0)["Subject"] == "Compte rendu refused"


async def test_a_peer_that_is_down_gets_retries_then_the_sender_a_failure_report(
    runtime: Runtime, sender: Account, queue_key: QueueKey, remote: Remote, settings: Settings
) -> None:
    expiring = with_queue(settings, expire_seconds=1.5)
    queue = make_queue(runtime, queue_key)
    trust = await trusting(runtime, free_port(), remote.pem)
    worker = make_worker(runtime, queue, trust, expiring)
    queue_id = await queue.enqueue(
        SENDER, [QueueRecipient(DOCTOR)], sample("down"), account_id=sender.id
    )
    attempts_seen = 0

    async def reported() -> bool:
        nonlocal attempts_seen
        for entry in await queue.store.listing():
            attempts_seen = max(attempts_seen, entry.recipient.attempts)
        return await _has_mail(runtime)

    async with running(worker):
        await eventually(reported)
        await eventually(lambda: queue_is_empty(queue))

    assert attempts_seen >= 3, "0.2 s, then 0.4 s between tries over 1.5 s"
    assert await queue.store.get_message(queue_id) is None, "content deleted once final"
    [raw] = await inbox(runtime)
    report = parse_mail(raw)
    assert "Undelivered" in report["Subject"]
    [_, block] = status_blocks(report)
    assert block["Final-Recipient"] == f"rfc822;{DOCTOR}"
    assert (block["Action"], block["Status"]) == ("failed", "4.4.7")
    assert "Diagnostic-Code" not in block, "nobody answered"
    assert "no SMTP session" in part(report, 0).get_content()


async def test_a_peer_that_comes_back_gets_the_mail(
    runtime: Runtime, sender: Account, queue_key: QueueKey, remote_factory: RemoteFactory
) -> None:
    first = await remote_factory()
    port = first.port
    await first.close()
    queue = make_queue(runtime, queue_key)
    worker = make_worker(runtime, queue, await trusting(runtime, port, first.pem))
    await queue.enqueue(SENDER, [QueueRecipient(DOCTOR)], sample("back"), account_id=sender.id)

    async def retried() -> bool:
        [entry] = await queue.store.listing()
        return entry.recipient.attempts >= 2

    async with running(worker):
        await eventually(retried)
        back = await remote_factory(port=port)
        await eventually(lambda: queue_is_empty(queue))

    assert [r.recipients for r in back.received] == [[DOCTOR]]
    assert await inbox(runtime) == [], "delivered, and no SUCCESS was asked"


async def test_never_is_never_reported_nor_is_anything_to_the_null_sender(
    runtime: Runtime, sender: Account, queue_key: QueueKey, remote_factory: RemoteFactory
) -> None:
    remote = await remote_factory(RemoteBehaviour(refuse={DOCTOR: "550 5.1.1 Unknown"}))
    queue = make_queue(runtime, queue_key)
    worker = make_worker(runtime, queue, await trusting(runtime, remote.port, remote.pem))
    never = [QueueRecipient(DOCTOR, ("NEVER",))]
    await queue.enqueue(SENDER, never, sample("never"), account_id=sender.id)
    await queue.enqueue(NULL_SENDER, [QueueRecipient(DOCTOR)], sample("null"), account_id=sender.id)
    async with running(worker):
        await eventually(lambda: queue_is_empty(queue))
    assert await inbox(runtime) == []


async def test_a_domain_outside_the_trust_space_fails_without_a_connection(
    runtime: Runtime, sender: Account, queue_key: QueueKey
) -> None:
    queue = make_queue(runtime, queue_key)
    worker = make_worker(runtime, queue, make_trust(runtime))
    await queue.enqueue(
        SENDER, [QueueRecipient("x@inconnu.example")], sample("nowhere"), account_id=sender.id
    )
    async with running(worker):
        await eventually(lambda: _has_mail(runtime))
    [_, block] = status_blocks(parse_mail((await inbox(runtime))[0]))
    assert (block["Action"], block["Status"]) == ("failed", "5.4.4")
