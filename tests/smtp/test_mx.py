"""The MX as another operator of the trust space reaches it: STARTTLS with a client certificate."""

from __future__ import annotations

import email
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiosmtplib
import pytest

from mailserver import DOCTOR, PATIENT, MailServer, message, read_mailbox, start_mail_server
from mss.queue.sealing import open_queued
from mss.runtime import Runtime
from mss.store.migrate import upgrade
from mss.tls import TlsFiles, make_development_pki
from support import make_settings

PEER_DOMAIN = "clinique.example"
OTHER_PEER_DOMAIN = "labo.example"


@dataclass
class Peer:
    files: TlsFiles

    def context(self, server: MailServer, with_certificate: bool = True) -> ssl.SSLContext:
        context = server.client_context()
        if with_certificate:
            context.load_cert_chain(self.files.cert, self.files.key)
        return context


def make_peer(directory: Path, hostname: str) -> Peer:
    files = TlsFiles(directory / "cert.pem", directory / "key.pem", directory / "ca.pem")
    make_development_pki(files, hostname)
    return Peer(files)


@pytest.fixture
def peers(tmp_path: Path) -> dict[str, Peer]:
    return {
        PEER_DOMAIN: make_peer(tmp_path / "clinique", "mx.clinique.example"),
        OTHER_PEER_DOMAIN: make_peer(tmp_path / "labo", "mx.labo.example"),
    }


@pytest.fixture
async def server(
    tmp_path: Path, database_url: str, peers: dict[str, Peer]
) -> AsyncIterator[MailServer]:
    trust = [
        {"domain": domain, "host": "127.0.0.1", "port": 9, "cert": str(peer.files.ca)}
        for domain, peer in peers.items()
    ]
    runtime = await Runtime.open(make_settings(tmp_path / "mss", database_url, trust=trust))
    await upgrade(runtime.database)
    started = await start_mail_server(runtime, only=("smtp",))
    try:
        yield started
    finally:
        await started.stop()
        await runtime.close()


async def relay(
    server: MailServer, context: ssl.SSLContext, sender: str, recipient: str
) -> list[aiosmtplib.SMTPResponse]:
    """MAIL, RCPT and (when both pass) DATA; returns every reply."""
    async with aiosmtplib.SMTP(
        hostname="localhost", port=server.port("mx"), start_tls=True, tls_context=context
    ) as client:
        await client.ehlo()
        replies = [await client.execute_command(f"MAIL FROM:<{sender}>".encode())]
        if replies[-1].code == 250:
            replies.append(await client.execute_command(f"RCPT TO:<{recipient}>".encode()))
        if replies[-1].code == 250:
            replies.append(await client.data(message(sender, recipient, "relayed")))
        return replies


async def test_trusted_peer_with_its_certificate_delivers(
    server: MailServer, peers: dict[str, Peer]
) -> None:
    sender = f"dr.house@{PEER_DOMAIN}"
    replies = await relay(server, peers[PEER_DOMAIN].context(server), sender, DOCTOR)
    assert [r.code for r in replies] == [250, 250, 250]
    [stored] = await read_mailbox(server.runtime, DOCTOR)
    assert b"with ESMTPS" in stored
    assert b"[127.0.0.1]" in stored


async def test_a_professional_of_another_operator_may_write_to_a_patient(
    server: MailServer, peers: dict[str, Peer]
) -> None:
    replies = await relay(server, peers[PEER_DOMAIN].context(server), f"dr@{PEER_DOMAIN}", PATIENT)
    assert [r.code for r in replies] == [250, 250, 250]


async def test_peer_without_client_certificate_is_refused(
    server: MailServer, peers: dict[str, Peer]
) -> None:
    context = peers[PEER_DOMAIN].context(server, with_certificate=False)
    [mail] = await relay(server, context, f"dr.house@{PEER_DOMAIN}", DOCTOR)
    assert (mail.code, mail.message[:5]) == (550, "5.7.1")
    assert "client certificate" in mail.message


async def test_certificate_of_another_operator_is_refused(
    server: MailServer, peers: dict[str, Peer]
) -> None:
    context = peers[OTHER_PEER_DOMAIN].context(server)
    [mail] = await relay(server, context, f"dr.house@{PEER_DOMAIN}", DOCTOR)
    assert (mail.code, mail.message[:5]) == (550, "5.7.1")


async def test_sender_outside_the_trust_space_is_refused(
    server: MailServer, peers: dict[str, Peer]
) -> None:
    [mail] = await relay(server, peers[PEER_DOMAIN].context(server), "spam@gmail.example", DOCTOR)
    assert (mail.code, mail.message[:5]) == (550, "5.7.1")
    assert "trust space" in mail.message


async def test_mx_neither_relays_nor_accepts_unknown_recipients(
    server: MailServer, peers: dict[str, Peer]
) -> None:
    context = peers[PEER_DOMAIN].context(server)
    _, relayed = await relay(server, context, f"a@{PEER_DOMAIN}", f"b@{OTHER_PEER_DOMAIN}")
    assert (relayed.code, relayed.message[:5]) == (550, "5.7.1")
    _, unknown = await relay(server, context, f"a@{PEER_DOMAIN}", "ghost@hopital.example")
    assert (unknown.code, unknown.message[:5]) == (550, "5.1.1")


async def test_mail_before_starttls_is_refused(server: MailServer) -> None:
    async with aiosmtplib.SMTP(
        hostname="localhost", port=server.port("mx"), start_tls=False
    ) as client:
        await client.ehlo()
        reply = await client.execute_command(f"MAIL FROM:<a@{PEER_DOMAIN}>".encode())
        assert (reply.code, reply.message[:5]) == (530, "5.7.0")


async def test_local_sender_cannot_come_in_through_the_mx(
    server: MailServer, peers: dict[str, Peer]
) -> None:
    [mail] = await relay(server, peers[PEER_DOMAIN].context(server), DOCTOR, PATIENT)
    assert (mail.code, mail.message[:5]) == (550, "5.7.1")


async def test_notify_success_queues_a_delivered_dsn_for_the_remote_sender(
    server: MailServer, peers: dict[str, Peer]
) -> None:
    sender = f"dr.house@{PEER_DOMAIN}"
    async with aiosmtplib.SMTP(
        hostname="localhost",
        port=server.port("mx"),
        start_tls=True,
        tls_context=peers[PEER_DOMAIN].context(server),
    ) as client:
        await client.ehlo()
        assert (
            await client.execute_command(f"MAIL FROM:<{sender}> ENVID=case-42".encode())
        ).code == 250
        assert (
            await client.execute_command(
                f"RCPT TO:<{DOCTOR}> NOTIFY=SUCCESS ORCPT=rfc822;{DOCTOR}".encode()
            )
        ).code == 250
        assert (await client.data(message(sender, DOCTOR, "accuse"))).code == 250

    [entry] = await server.runtime.queue.store.listing()
    assert entry.recipient.address == sender
    queued = await server.runtime.queue.store.get_message(entry.message_id)
    assert queued is not None and queued.sender == ""
    report = email.message_from_bytes(open_queued(queued, server.runtime.queue.key))
    assert report.get_content_type() == "multipart/report"
    status = report.get_payload()[1].get_payload()
    fields = "\n".join(str(part) for part in status)
    assert "Action: delivered" in fields
    assert "Original-Envelope-Id: case-42" in fields
    assert f"Final-Recipient: rfc822;{DOCTOR}" in fields


async def test_two_local_recipients_each_get_their_own_trace_and_a_true_summary(
    server: MailServer, peers: dict[str, Peer]
) -> None:
    """Parsed once at DATA: each copy's summary still describes that copy, Received included."""
    from mss.mailcrypto import open_content_key, open_summary
    from mss.mime import parse_message

    sender = f"dr@{PEER_DOMAIN}"
    raw = message(sender, DOCTOR, "both")
    async with aiosmtplib.SMTP(
        hostname="localhost",
        port=server.port("mx"),
        start_tls=True,
        tls_context=peers[PEER_DOMAIN].context(server),
    ) as client:
        errors, _ = await client.sendmail(sender, [DOCTOR, PATIENT], raw)
    assert errors == {}
    for address in (DOCTOR, PATIENT):
        [stored] = await read_mailbox(server.runtime, address)
        assert stored.endswith(raw) and f"for <{address}>".encode() in stored[: -len(raw)]
        unlocked = await server.runtime.accounts.authenticate(address, "correct horse battery")
        inbox = await server.runtime.store.get_mailbox(unlocked.account.id, "INBOX")
        assert inbox is not None
        [record] = await server.runtime.store.get_messages(inbox.id, [1])
        summary = open_summary(record, open_content_key(record, unlocked.keys))
        assert summary.structure == parse_message(stored)
        assert summary.header == stored[: summary.structure.header_end]
