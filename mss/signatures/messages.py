"""The messages a signature request writes, in French, built with the email package.

Every message names the request in ``X-MSS-Signature-Request`` so that the webmail shows a
"Document à signer" card and a mail client shows a link that opens the same page after sign-in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo

REQUEST_HEADER = "X-MSS-Signature-Request"
PARIS = ZoneInfo("Europe/Paris")
WRITING = SMTP.clone(max_line_length=998)
"""Python 3.11's folder drops the space between two encoded words it splits ("éclairé —"
comes back "éclairé—"); unfolded up to RFC 5322 §2.1.1's 998 characters, subjects survive."""


@dataclass(frozen=True, slots=True)
class Party:
    address: str
    name: str

    def header(self) -> str:
        local, _, domain = self.address.rpartition("@")
        return str(Address(self.name or "", local, domain))


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes
    maintype: str
    subtype: str


def _message(sender: Party, to: Party, subject: str, text: str, request_id: str) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender.header()
    message["To"] = to.header()
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(ZoneInfo("UTC")))
    message["Message-ID"] = make_msgid(domain=sender.address.rpartition("@")[2])
    message[REQUEST_HEADER] = request_id
    message.set_content(text)
    return message


def _until(expires_at: datetime) -> str:
    return f"{expires_at.astimezone(PARIS):%d/%m/%Y à %H:%M}"


def invitation(
    sender: Party,
    signer: Party,
    request_id: str,
    title: str,
    note: str,
    link: str,
    expires_at: datetime,
) -> bytes:
    lines = [
        "Bonjour,",
        "",
        f"{sender.name or sender.address} vous demande de signer le document « {title} ».",
    ]
    if note:
        lines += ["", note]
    lines += [
        "",
        "Pour le lire en entier puis le signer ou refuser de le signer, ouvrez ce lien après "
        "connexion à votre messagerie sécurisée :",
        link,
        "",
        f"Cette demande expire le {_until(expires_at)}.",
    ]
    subject = f"Document à signer : {title}"
    return _message(sender, signer, subject, "\n".join(lines), request_id).as_bytes(policy=WRITING)


def outcome(
    sender: Party,
    to: Party,
    request_id: str,
    subject: str,
    text: str,
    attachments: Sequence[Attachment] = (),
) -> bytes:
    message = _message(sender, to, subject, text, request_id)
    for item in attachments:
        message.add_attachment(
            item.data, maintype=item.maintype, subtype=item.subtype, filename=item.filename
        )
    return message.as_bytes(policy=WRITING)


def reminder(
    sender: Party,
    signer: Party,
    request_id: str,
    title: str,
    link: str,
    expires_at: datetime,
) -> bytes:
    """Written with the request, sent by the reminder worker if the signer has not acted yet."""
    lines = [
        "Bonjour,",
        "",
        f"Pour rappel, {sender.name or sender.address} attend votre signature sur le document "
        f"« {title} ».",
        "",
        "Pour le lire en entier puis le signer ou refuser de le signer, ouvrez ce lien après "
        "connexion à votre messagerie sécurisée :",
        link,
        "",
        f"Cette demande expire le {_until(expires_at)}.",
    ]
    subject = f"Rappel : document à signer : {title}"
    return _message(sender, signer, subject, "\n".join(lines), request_id).as_bytes(policy=WRITING)
