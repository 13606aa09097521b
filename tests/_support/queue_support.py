"""Helpers of the outbound-queue tests (tests/queue), importable as ``queue_support``.

A real remote operator's SMTP server (aiosmtpd: STARTTLS required, our client certificate
required and checked with :func:`mss.trust.peer_certificate_matches`) that records what it
receives and can be told to refuse recipients, to refuse the data, or to advertise DSN; builders
of the queue's parts on a runtime; and a reader of a local INBOX.
"""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import shutil
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from crypto.queuekey import QueueKey
from mss.config import Settings
from mss.mailcrypto import open_content_key, open_content_of
from mss.queue import OutboundQueue, QueueWorker
from mss.runtime import Runtime
from mss.store.queue_repository import SqlQueueStore
from mss.store.trust_sql import SqlTrustStore
from mss.tls import TlsFiles, server_context
from mss.trust import TrustRegistry, peer_certificate_matches

REMOTE_DOMAIN = "clinique.example"
LOCAL_DOMAIN = "hopital.example"
SENDER = f"jeanne.martin@{LOCAL_DOMAIN}"
DOCTOR = f"dr.house@{REMOTE_DOMAIN}"
NURSE = f"nurse@{REMOTE_DOMAIN}"
PASSWORD = "correct horse battery"
FAST_QUEUE: dict[str, Any] = {
    "workers": 2,
    "poll_seconds": 0.05,
    "retry_initial_seconds": 0.2,
    "retry_max_seconds": 0.4,
    "expire_seconds": 60.0,
    "connect_timeout_seconds": 2.0,
}


def with_queue(settings: Settings, **changes: Any) -> Settings:
    return settings.model_copy(update={"queue": settings.queue.model_copy(update=changes)})


def with_peer(settings: Settings, port: int, cert_path: str) -> Settings:
    """The remote operator in the configuration file (``[[trust]]``), at ``port``."""
    peer = {"domain": REMOTE_DOMAIN, "host": "127.0.0.1", "port": port, "cert": cert_path}
    return Settings.model_validate({**settings.model_dump(), "trust": [peer]})


def make_queue(runtime: Runtime, key: QueueKey) -> OutboundQueue:
    return OutboundQueue(SqlQueueStore(runtime.database, runtime.store.committer), key)


def make_trust(runtime: Runtime, settings: Settings | None = None) -> TrustRegistry:
    store = SqlTrustStore(runtime.database, runtime.store.committer)
    return TrustRegistry(settings or runtime.settings, store)


def make_worker(
    runtime: Runtime, queue: OutboundQueue, trust: TrustRegistry, settings: Settings | None = None
) -> QueueWorker:
    return QueueWorker(settings or runtime.settings, queue, trust, runtime.store, runtime.inbound)


def sample(marker: str, recipient: str = DOCTOR) -> bytes:
    return (
        f"From: Dr Jeanne Martin <{SENDER}>\r\n"
        f"To: <{recipient}>\r\n"
        f"Subject: Compte rendu {marker}\r\n"
        f"Message-ID: <{marker}@{LOCAL_DOMAIN}>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"Bonjour, le compte rendu : {marker}.\r\n"
    ).encode()


async def inbox(runtime: Runtime, password: str = PASSWORD, address: str = SENDER) -> list[bytes]:
    """Every message of the account's INBOX, decrypted with its password."""
    unlocked = await runtime.accounts.authenticate(address, password)
    mailbox = await runtime.store.get_mailbox(unlocked.account.id, "INBOX")
    assert mailbox is not None
    uids = [entry.uid for entry in await runtime.store.message_index(mailbox.id)]
    messages = []
    for record in await runtime.store.get_messages(mailbox.id, uids):
        key = open_content_key(record, unlocked.keys)
        blob = await runtime.store.get_content(record.object_id)
        messages.append(open_content_of(record.object_id, key, blob))
    return messages


def encodings_of(canary: str, raw: bytes) -> list[bytes]:
    """The canary as a search would find it: raw, UTF-16, base64 at each alignment (as in
    tests/store/test_zero_access.py, which test modules cannot import)."""
    needles = [canary.encode(), canary.encode("utf-16-le"), canary.encode("utf-16-be")]
    for pad in range(3):
        needles.append(base64.b64encode(b"\0" * pad + canary.encode())[4:-4])
    whole = base64.b64encode(raw)
    needles.append(whole[len(whole) // 2 : len(whole) // 2 + 40])
    return needles


async def dump_database(runtime: Runtime) -> bytes:
    """Every byte the database holds: the SQLite files, or a pg_dump of the data."""
    if runtime.database.is_sqlite:
        db = Path(runtime.database.url.split("///", 1)[1])
        return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    url = runtime.database.url.replace("postgresql+asyncpg://", "postgresql://")
    process = await asyncio.create_subprocess_exec(
        "pg_dump", "--data-only", url, stdout=asyncio.subprocess.PIPE
    )
    dump, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0
    return dump


def parse_mail(raw: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def part(message: Message, index: int) -> EmailMessage:
    """The ``index``-th part of a multipart (or the message inside a message/rfc822)."""
    payload = message.get_payload()
    assert isinstance(payload, list)
    chosen = payload[index]
    assert isinstance(chosen, EmailMessage)
    return chosen


def status_blocks(report: Message) -> list[EmailMessage]:
    """The field blocks of a report's message/delivery-status part: per message, then per
    recipient (RFC 3464 §2.1)."""
    assert report.get_content_type() == "multipart/report"
    status = part(report, 1)
    assert status.get_content_type() == "message/delivery-status"
    blocks = status.get_payload()
    assert isinstance(blocks, list)
    return [block for block in blocks if isinstance(block, EmailMessage)]


@dataclass
class Received:
    mail_from: str
    mail_options: list[str]
    recipients: list[str]
    rcpt_options: list[list[str]]
    dsn_mail: list[str]
    data: bytes


@dataclass
class RemoteBehaviour:
    dsn: bool = False
    refuse: dict[str, str] = field(default_factory=dict)  # address -> RCPT reply
    data_reply: str = "250 2.0.0 Message accepted"


class RemoteHandler:
    def __init__(self, behaviour: RemoteBehaviour, client_pem: bytes) -> None:
        self.behaviour = behaviour
        self.client_pem = client_pem
        self.received: list[Received] = []

    async def handle_EHLO(
        self, server: Any, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        if self.behaviour.dsn:
            responses.insert(len(responses) - 1, "250-DSN")
        return responses

    async def handle_MAIL(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        ssl_object = server.transport.get_extra_info("ssl_object")
        certificate = ssl_object.getpeercert(binary_form=True) if ssl_object else None
        if certificate is None or not peer_certificate_matches(certificate, self.client_pem):
            return "530 5.7.0 Client certificate of a trusted operator required"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.behaviour.refuse:
            return self.behaviour.refuse[address]
        envelope.rcpt_tos.append(address)
        server.accepted_dsn_rcpt.append(server.dsn_rcpt)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        if self.behaviour.data_reply.startswith("250"):
            self.received.append(
                Received(
                    mail_from=str(envelope.mail_from),
                    mail_options=list(envelope.mail_options),
                    recipients=list(envelope.rcpt_tos),
                    rcpt_options=list(server.accepted_dsn_rcpt),
                    dsn_mail=list(server.dsn_mail),
                    data=bytes(envelope.original_content or b""),
                )
            )
        return self.behaviour.data_reply


class DsnSMTP(SMTP):
    """aiosmtpd refuses MAIL/RCPT parameters it does not know: take the DSN ones out first."""

    dsn_mail: list[str]
    dsn_rcpt: list[str]
    accepted_dsn_rcpt: list[list[str]]

    async def smtp_MAIL(self, arg: str) -> None:
        self.dsn_mail, rest = _take(arg, ("RET=", "ENVID="))
        self.accepted_dsn_rcpt = []
        await super().smtp_MAIL(rest)

    async def smtp_RCPT(self, arg: str) -> None:
        self.dsn_rcpt, rest = _take(arg, ("NOTIFY=", "ORCPT="))
        await super().smtp_RCPT(rest)


def _take(arg: str, names: tuple[str, ...]) -> tuple[list[str], str]:
    words = arg.split(" ")
    taken = [word for word in words if word.upper().startswith(names)]
    return taken, " ".join(word for word in words if word not in taken)


@dataclass
class Remote:
    handler: RemoteHandler
    port: int
    pem: bytes  # what we configure for this peer: its CA
    server: asyncio.Server

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    async def close(self) -> None:
        self.server.close()
        await self.server.wait_closed()


async def start_remote(
    pki: TlsFiles,
    remote_pem: bytes,
    client_pem: bytes,
    behaviour: RemoteBehaviour,
    starttls: bool = True,
    port: int = 0,
) -> Remote:
    """Listen (on a port chosen by the OS unless given); our certificate must chain to
    ``client_pem``."""
    context = server_context(pki, client_cas=[client_pem])
    context.verify_mode = ssl.CERT_REQUIRED
    handler = RemoteHandler(behaviour, client_pem)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: DsnSMTP(
            handler,
            hostname="mx.clinique.example",
            ident="remote",
            tls_context=context if starttls else None,
            require_starttls=starttls,
        ),
        "127.0.0.1",
        port,
    )
    return Remote(handler, server.sockets[0].getsockname()[1], remote_pem, server)


RemoteFactory = Callable[..., Awaitable[Remote]]
