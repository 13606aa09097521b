"""A list row from a stored message: only the encrypted summary is opened, never the body."""

from __future__ import annotations

from dataclasses import dataclass

from crypto import AccountKeys
from mss.mailcrypto import MessageSummary, open_content_key, open_summary
from mss.mime import attachments
from mss.store.records import MessageRecord
from webmail.mail.headers import Person, decode_text, people
from webmail.mail.rowcache import RowText


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


def open_record_summary(record: MessageRecord, keys: AccountKeys) -> MessageSummary:
    return open_summary(record, open_content_key(record, keys))


def row_text(summary: MessageSummary) -> RowText:
    envelope = summary.structure.envelope
    senders = people(envelope.from_)
    return RowText(
        subject=decode_text(envelope.subject),
        sender=senders[0] if senders else None,
        recipients=tuple(people(envelope.to) + people(envelope.cc)),
        has_attachments=bool(attachments(summary.structure)),
        date=summary.internal_date,
        size=summary.size,
    )


def list_item(record: MessageRecord, text: RowText) -> ListItem:
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
