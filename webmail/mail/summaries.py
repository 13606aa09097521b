"""A list row from a stored message's opened summary: never the body (the preview was taken
from it at delivery and sealed in the summary)."""

from __future__ import annotations

from dataclasses import dataclass

from mss.mailcrypto import MessageSummary
from mss.mime import attachments
from mss.mime.headers import read_header_block
from mss.store.records import MessageHead
from webmail.mail.headers import Person, decode_text, people
from webmail.mail.rowcache import RowText
from webmail.mail.threads import message_ids


@dataclass(frozen=True, slots=True)
class ListItem:
    uid: int
    subject: str
    sender: Person | None
    recipients: tuple[Person, ...]
    date: int
    size: int
    seen: bool
    flagged: bool
    answered: bool
    draft: bool
    has_attachments: bool
    preview: str = ""
    message_id: str = ""
    references: tuple[str, ...] = ()
    mailbox_id: int = 0


def _references(summary: MessageSummary) -> tuple[str, ...]:
    """The ids this message answers: References, then In-Reply-To (RFC 5322 §3.6.4)."""
    fields = read_header_block(summary.header, 0, len(summary.header)).fields
    value = fields.get("references") or b""
    in_reply_to = summary.structure.envelope.in_reply_to or ""
    return message_ids(value.decode("ascii", "replace") + " " + in_reply_to)


def row_text(summary: MessageSummary) -> RowText:
    envelope = summary.structure.envelope
    senders = people(envelope.from_)
    own = message_ids(envelope.message_id or "")
    return RowText(
        subject=decode_text(envelope.subject),
        sender=senders[0] if senders else None,
        recipients=tuple(people(envelope.to) + people(envelope.cc)),
        has_attachments=bool(attachments(summary.structure)),
        date=summary.internal_date,
        size=summary.size,
        preview=summary.preview,
        message_id=own[0] if own else "",
        references=_references(summary),
    )


def list_item(record: MessageHead, text: RowText) -> ListItem:
    return ListItem(
        uid=record.uid,
        subject=text.subject,
        sender=text.sender,
        recipients=text.recipients,
        date=record.internal_date if text.date is None else text.date,
        size=record.size if text.size is None else text.size,
        seen="\\Seen" in record.flags,
        flagged="\\Flagged" in record.flags,
        answered="\\Answered" in record.flags,
        draft="\\Draft" in record.flags,
        has_attachments=text.has_attachments,
        preview=text.preview,
        message_id=text.message_id,
        references=text.references,
        mailbox_id=record.mailbox_id,
    )


def searchable(item: ListItem) -> str:
    """The subject, senders and recipients as one case-folded text."""
    fields = [item.subject]
    for person in ([item.sender] if item.sender else []) + list(item.recipients):
        fields.extend((person.name, person.address))
    return "\n".join(fields).casefold()


def matches(text: str, words: list[str]) -> bool:
    """Every (case-folded) word occurs in ``text``."""
    return all(word in text for word in words)
