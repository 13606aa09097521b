"""Delivery status notifications (RFC 3464) as ``multipart/report`` messages (RFC 6522).

Three parts: a human-readable text (French, then English), the machine-readable
``message/delivery-status``, and the original message (``message/rfc822``) or only its header
(``text/rfc822-headers``) as RET asked. Every value that came from a peer or a sender (replies,
addresses, ENVID) is folded to one line of printable ASCII before it enters a header field, so a
hostile reply cannot inject fields or parts.
"""

from __future__ import annotations

import datetime
import email.quoprimime
import enum
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime

from mss.queue.dsn_text import human_text, subject_of
from mss.smtpwire.dsn import Ret, xtext

CRLF = "\r\n"
_UNSAFE = re.compile(r"[^\x20-\x7e]")
_QCHAR_EXCLUDED = frozenset("+=\\")
MAX_FIELD = 900


class Action(enum.StrEnum):
    """RFC 3464 §2.3.3: what happened to a recipient."""

    FAILED = "failed"
    DELAYED = "delayed"
    DELIVERED = "delivered"
    RELAYED = "relayed"
    EXPANDED = "expanded"


@dataclass(frozen=True, slots=True)
class ReportedRecipient:
    address: str  # Final-Recipient (RFC 3464 §2.3.2)
    original: str | None  # Original-Recipient, the ORCPT "addr-type;address" (§2.3.1)
    action: Action
    status: str  # RFC 3463 (§2.3.4)
    remote_mta: str | None  # §2.3.5
    diagnostic: str | None  # the peer's reply (§2.3.6)
    last_attempt: datetime.datetime | None  # §2.3.7
    explanation: str  # our words, for the human-readable part


@dataclass(frozen=True, slots=True)
class Report:
    reporting_mta: str  # our host name (RFC 3464 §2.2.2)
    to: str  # the envelope sender the report goes back to
    envid: str | None  # Original-Envelope-Id (§2.2.1)
    arrival: datetime.datetime  # Arrival-Date (§2.2.5)
    recipients: Sequence[ReportedRecipient]
    original: bytes | None  # the message reported on, when it could still be read
    ret: Ret


def build_report(report: Report, now: datetime.datetime | None = None) -> bytes:
    """The DSN as raw RFC 5322 bytes (CRLF line endings), ready for ``deliver``."""
    moment = now or datetime.datetime.now(datetime.UTC)
    returned = _returned_part(report)
    boundary = _boundary(returned)
    header = [
        f"From: Mail Delivery System <MAILER-DAEMON@{report.reporting_mta}>",
        f"To: <{_ascii(report.to)}>",
        f"Subject: {subject_of([r.action.value for r in report.recipients])}",
        f"Date: {format_datetime(moment)}",
        f"Message-ID: <dsn.{secrets.token_hex(12)}@{report.reporting_mta}>",
        "Auto-Submitted: auto-replied",  # RFC 3834 §5
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
    ]
    lines = [(r.address, r.action.value, r.explanation) for r in report.recipients]
    text = human_text(report.reporting_mta, lines)
    parts = [
        "Content-Type: text/plain; charset=utf-8"
        + CRLF
        + "Content-Transfer-Encoding: quoted-printable"
        + CRLF
        + CRLF
        + _quoted_printable(text)
        + CRLF,
        "Content-Type: message/delivery-status" + CRLF + CRLF + _delivery_status(report),
    ]
    body = CRLF.join(header) + CRLF + CRLF
    body += "Ceci est un avis de remise au format MIME. / This is a MIME delivery report." + CRLF
    encoded = body.encode("ascii")
    for part in parts:
        encoded += f"{CRLF}--{boundary}{CRLF}".encode("ascii") + part.encode("ascii")
    if returned is not None:
        encoded += f"{CRLF}--{boundary}{CRLF}".encode("ascii") + returned
    return encoded + f"{CRLF}--{boundary}--{CRLF}".encode("ascii")


def _delivery_status(report: Report) -> str:
    """RFC 3464 §2.1: per-message fields, then one block of fields per recipient."""
    blocks = [[f"Reporting-MTA: dns; {_ascii(report.reporting_mta)}"]]
    if report.envid is not None:
        blocks[0].append(f"Original-Envelope-Id: {_envid_field(report.envid)}")
    blocks[0].append(f"Arrival-Date: {format_datetime(report.arrival)}")
    for recipient in report.recipients:
        block = []
        if recipient.original is not None:
            addr_type, _, address = recipient.original.partition(";")
            block.append(f"Original-Recipient: {_address(address, addr_type.strip())}")
        block += [
            f"Final-Recipient: {_address(recipient.address)}",
            f"Action: {recipient.action.value}",
            f"Status: {recipient.status}",
        ]
        if recipient.remote_mta:
            block.append(f"Remote-MTA: dns; {_ascii(recipient.remote_mta)}")
        if recipient.diagnostic:
            block.append(f"Diagnostic-Code: smtp; {_ascii(recipient.diagnostic)}")
        if recipient.last_attempt is not None:
            block.append(f"Last-Attempt-Date: {format_datetime(recipient.last_attempt)}")
        blocks.append(block)
    return CRLF.join(CRLF.join(block) + CRLF for block in blocks)


def _returned_part(report: Report) -> bytes | None:
    """RFC 3461 §4.3 / RFC 3464 §2: the whole message, or its header block only."""
    if report.original is None:
        return None
    failed = any(r.action is Action.FAILED for r in report.recipients)
    # RFC 3461 §4.3: a report of success returns the header only, whatever RET said.
    if report.ret is Ret.FULL and failed:
        return b"Content-Type: message/rfc822\r\n\r\n" + report.original
    end = report.original.find(b"\r\n\r\n")
    header = report.original if end < 0 else report.original[: end + 2]
    return b"Content-Type: text/rfc822-headers\r\n\r\n" + header


def _quoted_printable(text: str) -> str:
    """RFC 2045 §6.7 over the UTF-8 octets (``quoprimime`` takes one character per octet)."""
    return email.quoprimime.body_encode(text.encode("utf-8").decode("latin-1"), eol=CRLF)


def _boundary(returned: bytes | None) -> str:
    while True:
        boundary = f"=_mss-report-{secrets.token_hex(12)}"
        if returned is None or boundary.encode("ascii") not in returned:
            return boundary


def _ascii(value: str) -> str:
    """One line of printable ASCII: controls and non-ASCII characters become "?"."""
    return _UNSAFE.sub("?", " ".join(value.split()))[:MAX_FIELD]


def _address(address: str, addr_type: str = "rfc822") -> str:
    """RFC 3464 §2.3.2 address fields; non-ASCII addresses as utf-8-addr-xtext (RFC 6533 §3)."""
    if address.isascii():
        return f"{_ascii(addr_type)};{_ascii(address)}"
    encoded = "".join(
        char
        if char.isascii() and 0x21 <= ord(char) <= 0x7E and char not in _QCHAR_EXCLUDED
        else f"\\x{{{ord(char):X}}}"
        for char in address
    )
    return f"utf-8;{encoded}"


def _envid_field(envid: str) -> str:
    """The ENVID as the sender gave it (RFC 3461 §4.4); in xtext if it is not printable ASCII."""
    safe = envid if _UNSAFE.search(envid) is None else xtext(envid)
    return safe[:MAX_FIELD]
