"""What one line of a folder's list shows, for a conversation or for a single message.

A folder listed by date shows conversations (``webmail.mail.threads``); a search, or a sort by
size, shows messages. Both become the same :class:`ListRow`, so the page has one template.
"""

from __future__ import annotations

from dataclasses import dataclass

from webmail.mail.headers import Person
from webmail.mail.summaries import ListItem
from webmail.mail.threads import Conversation, drop_prefixes


@dataclass(frozen=True, slots=True)
class ListRow:
    """``uid`` is the message the line opens: a conversation's newest."""

    uid: int
    subject: str
    sender: Person | None
    date: int
    seen: bool
    draft: bool
    has_attachments: bool
    preview: str
    count: int


@dataclass(frozen=True, slots=True)
class ListView:
    rows: list[ListRow]
    total: int
    page: int
    pages: int
    scanned: int = 0
    complete: bool = True


def message_row(item: ListItem) -> ListRow:
    return ListRow(
        uid=item.uid,
        subject=item.subject,
        sender=item.sender,
        date=item.date,
        seen=item.seen,
        draft=item.draft,
        has_attachments=item.has_attachments,
        preview=item.preview,
        count=1,
    )


def conversation_row(conversation: Conversation[ListItem]) -> ListRow:
    """The newest message's sender, date and preview under the first message's subject (its
    reply prefixes taken off); unread while any message is."""
    newest = conversation.newest
    if conversation.count == 1:
        return message_row(newest)
    subject = drop_prefixes(conversation.messages[-1].subject)[0]
    return ListRow(
        uid=newest.uid,
        subject=subject,
        sender=newest.sender,
        date=newest.date,
        seen=all(m.seen for m in conversation.messages),
        draft=newest.draft,
        has_attachments=any(m.has_attachments for m in conversation.messages),
        preview=newest.preview,
        count=conversation.count,
    )
