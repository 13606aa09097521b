"""Two MSS instances, two operators of the trust space, exchange mail through their queues over
mutual TLS: each presents its own development PKI's certificate and trusts the other's CA."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mailserver import PASSWORD, MailServer, ensure_pki, read_mailbox
from mss.runtime import Runtime
from mss.services import build_services
from mss.store.migrate import upgrade
from mss.store.records import AccountKind
from mss.tls import tls_files
from support import make_settings

QUEUE_TIMING = {"poll_seconds": 0.05, "retry_initial_seconds": 0.2, "retry_max_seconds": 1}


async def instance(root: Path, database_url: str, name: str) -> MailServer:
    runtime = await Runtime.open(
        make_settings(root / name, database_url, hostname=f"mx.{name}.example", queue=QUEUE_TIMING)
    )
    await upgrade(runtime.database)
    ensure_pki(runtime)
    await runtime.store.add_domain(f"{name}.example")
    server = MailServer(runtime, [])
    account = await runtime.accounts.create_account(
        f"dr@{name}.example", AccountKind.PROFESSIONAL, PASSWORD
    )
    server.accounts[account.account.address] = account.account
    for service in build_services(runtime):
        if service.name in ("smtp", "queue"):
            await service.start()
            server.services.append(service)
    return server


@pytest.fixture
async def pair(
    tmp_path: Path, database_url: str, backend: str
) -> AsyncIterator[tuple[MailServer, MailServer]]:
    if backend == "postgresql":
        pytest.skip("two instances on one PostgreSQL database would share their domains")
    a = await instance(tmp_path, database_url.replace("mss.db", "a.db"), "alpha")
    b = await instance(tmp_path, database_url.replace("mss.db", "b.db"), "beta")
    try:
        for local, remote, remote_name in ((a, b, "beta"), (b, a, "alpha")):
            pem = tls_files(remote.runtime.settings).ca.read_bytes()
            await local.runtime.trust.add(
                f"{remote_name}.example", "localhost", remote.port("mx"), pem
            )
        for server in (a, b):
            await server.service("smtp").refresh_trust()
        yield a, b
    finally:
        for server in (a, b):
            await server.stop()
            await server.runtime.close()


async def submit(server: MailServer, sender: str, recipient: str, subject: str) -> None:
    raw = (
        f"From: <{sender}>\r\nTo: <{recipient}>\r\nSubject: {subject}\r\n"
        f"Message-ID: <{subject}@test>\r\n\r\nBonjour de {sender}.\r\n"
    ).encode()
    async with server.submission_client() as client:
        await client.login(sender, PASSWORD)
        await client.sendmail(sender, [recipient], raw)


async def wait_for_mail(server: MailServer, address: str, count: int) -> list[bytes]:
    for _ in range(200):
        messages = await read_mailbox(server.runtime, address)
        if len(messages) >= count:
            return messages
        await asyncio.sleep(0.05)
    raise AssertionError(f"{address} did not receive {count} messages")


async def test_mail_crosses_between_operators_both_ways(
    pair: tuple[MailServer, MailServer],
) -> None:
    alpha, beta = pair
    await submit(alpha, "dr@alpha.example", "dr@beta.example", "aller")
    [received] = await wait_for_mail(beta, "dr@beta.example", 1)
    assert b"Subject: aller" in received
    assert received.count(b"Received: ") == 2, "one trace field per hop"
    assert b"by mx.beta.example (MSS) with ESMTPS" in received

    await submit(beta, "dr@beta.example", "dr@alpha.example", "retour")
    [reply] = await wait_for_mail(alpha, "dr@alpha.example", 1)
    assert b"Subject: retour" in reply


async def _tracked(server: MailServer, sender: str, message_id: str) -> dict[str, str]:
    unlocked = await server.runtime.accounts.authenticate(sender, PASSWORD)
    found = await server.runtime.tracking.status(unlocked.keys, unlocked.account, message_id)
    return {status.address: status.state for status in found}


async def _until(server: MailServer, sender: str, message_id: str, wanted: dict[str, str]) -> None:
    for _ in range(200):
        if await _tracked(server, sender, message_id) == wanted:
            return
        await asyncio.sleep(0.05)
    assert await _tracked(server, sender, message_id) == wanted


async def test_reports_from_the_other_operator_update_the_senders_status(
    pair: tuple[MailServer, MailServer],
) -> None:
    """Issue 9: the remote application mailbox's "processed" MDN and the failed relay's DSN
    both come back to alpha and mark each recipient of its Sent copy."""
    alpha, beta = pair
    await beta.runtime.accounts.create_account(
        "resultats@beta.example", AccountKind.APPLICATION, PASSWORD
    )
    sender = "dr@alpha.example"
    raw = (
        f"From: <{sender}>\r\nTo: <resultats@beta.example>, <nobody@beta.example>\r\n"
        "Subject: bilan\r\nMessage-ID: <bilan-2@alpha.example>\r\n"
        f"Disposition-Notification-To: <{sender}>\r\n\r\nBilan joint.\r\n"
    ).encode()
    async with alpha.submission_client() as client:
        await client.login(sender, PASSWORD)
        await client.sendmail(sender, ["resultats@beta.example", "nobody@beta.example"], raw)
    await _until(
        alpha,
        sender,
        "bilan-2@alpha.example",
        {"resultats@beta.example": "processed", "nobody@beta.example": "failed"},
    )
