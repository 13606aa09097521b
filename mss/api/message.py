"""The mail an API submission becomes: a text body and one IHE_XDM.ZIP (DOMAIN.md, "IHE XDM").

The trust space's client rules (Référentiel #2) want ``X-MSS-INS`` and ``X-MSS-CODECDA`` when a
CDA travels in an XDM package; a ``Disposition-Notification-To`` (RFC 8098 §2.1) asks the
recipient's server for the "processed" receipt the status follows.
"""

from __future__ import annotations

import base64
import email.policy
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from mss.store.records import Account
from mss.xdm.package import CDA_FORMAT, ZIP_NAME, XdmDocument, XdmSubmission, build_package


@dataclass(frozen=True)
class ApiMessage:
    recipients: tuple[str, ...]
    subject: str
    body: str
    ins: str
    documents: tuple[XdmDocument, ...]


def build_mail(sender: Account, message: ApiMessage, hostname: str) -> tuple[str, bytes]:
    """Return (Message-ID without brackets, raw RFC 5322 bytes)."""
    author = sender.display_name or sender.address
    package = build_package(XdmSubmission(message.ins, author, author, list(message.documents)))
    mail = EmailMessage(policy=email.policy.SMTP)
    message_id = make_msgid(domain=hostname)
    mail["Message-ID"] = message_id
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["From"] = formataddr((sender.display_name, sender.address))
    mail["To"] = ", ".join(message.recipients)
    mail["Subject"] = message.subject
    mail["Disposition-Notification-To"] = sender.address
    mail["X-MSS-INS"] = message.ins
    cda_types = sorted({d.type_code for d in message.documents if d.format() == CDA_FORMAT})
    if cda_types:
        mail["X-MSS-CODECDA"] = ", ".join(cda_types)
    # The header fields go through the email package (RFC 2047 words, folding); the two parts
    # are written directly, as base64 at C speed: the generator is the slowest step otherwise.
    boundary = secrets.token_hex(16)
    mail["MIME-Version"] = "1.0"
    mail["Content-Type"] = f'multipart/mixed; boundary="{boundary}"'
    parts = (
        (b"Content-Type: text/plain; charset=utf-8\r\n", message.body.encode()),
        (
            b"Content-Type: application/zip\r\n"
            b'Content-Disposition: attachment; filename="' + ZIP_NAME.encode() + b'"\r\n',
            package,
        ),
    )
    body = b"".join(
        b"--"
        + boundary.encode()
        + b"\r\n"
        + head
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(content).replace(b"\n", b"\r\n")
        for head, content in parts
    )
    head = b"".join(email.policy.SMTP.fold_binary(name, value) for name, value in mail.items())
    raw = head + b"\r\n" + body + b"--" + boundary.encode() + b"--\r\n"
    return message_id.strip("<>"), raw
