"""Messages the patient writes: replies, drafts, and the RFC 5322 octets that are sent.

A reply follows RFC 5322 §3.6.4: In-Reply-To names the message answered, References carries the
thread on; its recipients are the Reply-To (else From) of that message, and for "reply all" its
To and Cc too, less the patient. Whom the patient may write to is not decided here: submission
applies the trust space's policy to every recipient.
"""

from __future__ import annotations

import email.policy
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, formatdate, getaddresses, make_msgid

from mss.addresses import InvalidAddress, domain_of, normalise_address
from mss.store.records import Account
from webmail.mail.view import MessageView

_REPLY_PREFIX = re.compile(r"^\s*(re|aw|sv|réf)\s*:", re.IGNORECASE)
MAX_RECIPIENTS = 50


class InvalidRecipient(ValueError):
    """A recipient field holds something that is not an address; the message names it."""


@dataclass(frozen=True, slots=True)
class OutgoingAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Outgoing:
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    body: str
    in_reply_to: str = ""
    references: str = ""
    attachments: tuple[OutgoingAttachment, ...] = field(default_factory=tuple)

    def envelope_recipients(self) -> list[str]:
        """The addr-specs of To and Cc, each once, validated."""
        found: list[str] = []
        typed = [*self.to, *self.cc]
        if any(one_line(a) != a.strip() for a in typed):
            raise InvalidRecipient("an address cannot span several lines")
        for _, address in getaddresses(typed):
            if not address:
                continue
            try:
                normalised = normalise_address(address)
            except InvalidAddress as error:
                raise InvalidRecipient(str(error)) from error
            if normalised not in found:
                found.append(normalised)
        if not found:
            raise InvalidRecipient("the message has no recipient")
        if len(found) > MAX_RECIPIENTS:
            raise InvalidRecipient(f"at most {MAX_RECIPIENTS} recipients")
        return found


def one_line(text: str) -> str:
    """A header value without control characters: nothing typed can start a new field."""
    return " ".join("".join(ch if ch >= " " else " " for ch in text).split())


def reply_subject(subject: str) -> str:
    return subject if _REPLY_PREFIX.match(subject) else f"Re: {subject}".strip()


def quote(view: MessageView, attribution: str) -> str:
    """The original text quoted under an attribution line ("On …, … wrote:")."""
    lines = (view.text or "").splitlines()
    quoted = "\n".join(f"> {line}" if line else ">" for line in lines)
    return f"\n\n{attribution}\n{quoted}\n"


def reply(view: MessageView, me: Account, reply_all: bool, attribution: str = "") -> Outgoing:
    mine = me.address.lower()
    primary = view.reply_to or ([view.sender] if view.sender else [])
    to = [p.formatted() for p in primary if p.address.lower() != mine]
    cc: list[str] = []
    if reply_all:
        seen = {p.address.lower() for p in primary} | {mine}
        for person in [*view.to, *view.cc]:
            if person.address.lower() not in seen:
                seen.add(person.address.lower())
                cc.append(person.formatted())
    references = " ".join(part for part in (view.references, view.message_id) if part)
    return Outgoing(
        to=tuple(to),
        cc=tuple(cc),
        subject=reply_subject(view.subject),
        body=quote(view, attribution or default_attribution(view)),
        in_reply_to=view.message_id,
        references=references,
    )


def default_attribution(view: MessageView) -> str:
    when = format_datetime(datetime.fromtimestamp(view.date, UTC))
    who = view.sender.formatted() if view.sender else ""
    return f"{when}, {who}:"


def build_message(sender: Account, outgoing: Outgoing, date: float | None = None) -> bytes:
    """The message as sent: CRLF line ends, text in quoted-printable, attachments in base64."""
    message = EmailMessage(policy=email.policy.SMTP)
    display = sender.display_name
    message["From"] = f'"{display}" <{sender.address}>' if display else sender.address
    if outgoing.to:
        message["To"] = ", ".join(one_line(a) for a in outgoing.to)
    if outgoing.cc:
        message["Cc"] = ", ".join(one_line(a) for a in outgoing.cc)
    message["Subject"] = one_line(outgoing.subject)
    message["Date"] = formatdate(date, localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=domain_of(sender.address))
    if outgoing.in_reply_to:
        message["In-Reply-To"] = outgoing.in_reply_to
    if outgoing.references:
        message["References"] = outgoing.references
    message.set_content(outgoing.body, subtype="plain", charset="utf-8", cte="quoted-printable")
    for attachment in outgoing.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=one_line(attachment.filename) or "document",
        )
    return message.as_bytes()


def read_draft(raw: bytes) -> Outgoing:
    """A stored draft back into the compose form (drafts may come from mail clients too)."""
    parsed = BytesParser(policy=email.policy.default).parsebytes(raw)
    body_part = parsed.get_body(preferencelist=("plain",))
    body = body_part.get_content() if isinstance(body_part, EmailMessage) else ""
    attachments = tuple(
        OutgoingAttachment(part.get_filename() or "document", part.get_content_type(), payload)
        for part in parsed.iter_attachments()
        if isinstance(payload := part.get_payload(decode=True), bytes)
    )
    return Outgoing(
        to=tuple(_field(parsed, "To")),
        cc=tuple(_field(parsed, "Cc")),
        subject=str(parsed.get("Subject", "")),
        body=str(body),
        in_reply_to=str(parsed.get("In-Reply-To", "")),
        references=str(parsed.get("References", "")),
        attachments=attachments,
    )


def _field(parsed: EmailMessage, name: str) -> list[str]:
    value = parsed.get(name)
    if value is None:
        return []
    return [f'"{n}" <{a}>' if n else a for n, a in getaddresses([str(value)]) if a]


def guess_content_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
