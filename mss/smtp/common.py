"""What both SMTP handlers share: EHLO extensions, peer facts, transaction log lines."""

from __future__ import annotations

import logging
import ssl
from typing import Any

from aiosmtpd.smtp import SMTP, Session

from mss.smtpwire.replies import Reply

log = logging.getLogger("mss.smtp")

# RFC 2920 PIPELINING, RFC 2034 ENHANCEDSTATUSCODES, RFC 3461 DSN; SIZE, 8BITMIME, SMTPUTF8,
# STARTTLS and AUTH are advertised by aiosmtpd itself.
EXTENSIONS = ("PIPELINING", "ENHANCEDSTATUSCODES", "DSN")


def ehlo_lines(session: Session, hostname: str, responses: list[str]) -> list[str]:
    session.host_name = hostname
    final = responses[-1] if responses else "250 HELP"
    lines = [line for line in responses[:-1]]
    lines += [f"250-{name}" for name in EXTENSIONS]
    return [*lines, final]


def peer_ip(session: Session) -> str:
    peer = session.peer
    return str(peer[0]) if isinstance(peer, tuple) and peer else str(peer)


def peer_certificate(server: SMTP) -> bytes | None:
    """The client's certificate (DER), when it presented one during the TLS handshake."""
    transport = server.transport
    if transport is None:
        return None
    ssl_object: ssl.SSLObject | None = transport.get_extra_info("ssl_object")
    if ssl_object is None:
        return None
    return ssl_object.getpeercert(binary_form=True)


def uses_tls(server: SMTP) -> bool:
    transport = server.transport
    return transport is not None and transport.get_extra_info("ssl_object") is not None


def log_transaction(server: Any, outcome: Reply, sender: str, recipients: int, size: int) -> None:
    """One line per transaction: connection id, outcome, and the reason in the reply text."""
    log.info(
        "conn=%s from=<%s> rcpts=%d size=%d result=%d %s %s",
        server.connection_id,
        sender,
        recipients,
        size,
        outcome.code,
        outcome.status,
        outcome.text,
    )


def log_refusal(server: Any, command: str, outcome: Reply, subject: str) -> None:
    log.info(
        "conn=%s %s <%s> refused: %d %s %s",
        server.connection_id,
        command,
        subject,
        outcome.code,
        outcome.status,
        outcome.text,
    )
