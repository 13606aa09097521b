"""SQL of message lists: one page of a mailbox, sorted on cleartext metadata.

The list shows a page of a mailbox that may hold thousands of messages: only that page's narrow
rows are read (their summaries come from the mailbox's index, mss/reading), by an ORDER BY …
LIMIT on the mailbox's narrow columns (the (mailbox, UID) index serves the date order), beside
one COUNT.
Sorting is on what is stored in the clear; subjects and senders are encrypted: the server cannot
sort on them. The clear date and size are perturbed per copy (``mss.coarse``), so "by date" is
the mailbox's arrival order (its UIDs, which only grow), exact for delivered and sent mail, and
"by size" is right to within the size's perturbation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, UnaryExpression, func, not_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.message_sql import IN_CHUNK
from mss.store.records import MessageHead, MessagePage, SortKey, decode_flags
from mss.store.schema import messages

_HEAD = (
    messages.c.mailbox_id,
    messages.c.uid,
    messages.c.flags,
    messages.c.internal_date,
    messages.c.size,
    messages.c.object_id,
)


def _head(row: Row[Any, Any, Any, Any, Any, Any]) -> MessageHead:
    return MessageHead(
        row.mailbox_id,
        row.uid,
        decode_flags(row.flags),
        row.internal_date,
        row.size,
        bytes(row.object_id),
    )


def _filter(mailbox_id: int, unseen_only: bool) -> list[ColumnElement[bool]]:
    conditions = [messages.c.mailbox_id == mailbox_id]
    if unseen_only:
        conditions.append(not_(messages.c.flags.contains("\\Seen", autoescape=True)))
    return conditions


async def message_page(
    conn: AsyncConnection,
    mailbox_id: int,
    offset: int,
    limit: int,
    sort: SortKey,
    descending: bool,
    unseen_only: bool,
) -> MessagePage:
    conditions = _filter(mailbox_id, unseen_only)
    total = (await conn.execute(select(func.count()).where(*conditions))).scalar_one()
    order: tuple[ColumnElement[object] | UnaryExpression[object], ...]
    if sort is SortKey.DATE:
        order = (messages.c.uid.desc(),) if descending else (messages.c.uid,)
    else:
        size = messages.c.size
        order = (size.desc(), messages.c.uid.desc()) if descending else (size, messages.c.uid)
    rows = await conn.execute(
        select(*_HEAD).where(*conditions).order_by(*order).offset(offset).limit(limit)
    )
    return MessagePage(int(total), [_head(row) for row in rows])


async def newest_heads(conn: AsyncConnection, mailbox_id: int, limit: int) -> list[MessageHead]:
    """The newest messages' narrow columns, newest first (by arrival): a folder's conversations
    are grouped from these, and a search decrypts as it goes down them."""
    rows = await conn.execute(
        select(*_HEAD)
        .where(messages.c.mailbox_id == mailbox_id)
        .order_by(messages.c.uid.desc())
        .limit(limit)
    )
    return [_head(row) for row in rows]


async def message_heads(
    conn: AsyncConnection, mailbox_id: int, uids: Sequence[int]
) -> list[MessageHead]:
    """The narrow columns of ``uids`` still in the mailbox, by UID."""
    found: list[MessageHead] = []
    for start in range(0, len(uids), IN_CHUNK):
        rows = await conn.execute(
            select(*_HEAD)
            .where(
                messages.c.mailbox_id == mailbox_id,
                messages.c.uid.in_(uids[start : start + IN_CHUNK]),
            )
            .order_by(messages.c.uid)
        )
        found.extend(_head(row) for row in rows)
    return found
