"""SQL of the webmail's message lists: one page of a mailbox, sorted on cleartext metadata.

The list shows a page of a mailbox that may hold thousands of messages: only that page's rows
(summaries included, to be decrypted by the caller) are read, by an ORDER BY … LIMIT on the
mailbox's narrow columns (the (mailbox, UID) index serves the date order), beside one COUNT.
Sorting is on what is stored in the clear; subjects and senders are encrypted: the server cannot
sort on them. The clear date and size are perturbed per copy (``mss.coarse``), so "by date" is
the mailbox's arrival order (its UIDs, which only grow), exact for delivered and sent mail, and
"by size" is right to within the size's perturbation.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from sqlalchemy import ColumnElement, UnaryExpression, func, not_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.message_sql import IN_CHUNK, record_from_row
from mss.store.records import decode_flags
from mss.store.schema import contents, messages
from mss.store.webmail_records import MessageHead, MessagePage


class SortKey(enum.StrEnum):
    DATE = "date"
    SIZE = "size"


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
    # Sort the narrow (id, size, uid) rows first and fetch the page's full rows after: sorting
    # whole rows would drag every encrypted summary of the mailbox through the sort.
    page_ids = select(messages.c.id).where(*conditions).order_by(*order).offset(offset).limit(limit)
    rows = await conn.execute(
        select(messages).where(messages.c.id.in_(page_ids.scalar_subquery())).order_by(*order)
    )
    return MessagePage(int(total), [record_from_row(row) for row in rows])


async def newest_uids(conn: AsyncConnection, mailbox_id: int, limit: int) -> list[int]:
    """UIDs newest first (by arrival), for searches that must decrypt as they go."""
    rows = await conn.execute(
        select(messages.c.uid)
        .where(messages.c.mailbox_id == mailbox_id)
        .order_by(messages.c.uid.desc())
        .limit(limit)
    )
    return [int(uid) for uid in rows.scalars()]


async def newest_heads(conn: AsyncConnection, mailbox_id: int, limit: int) -> list[MessageHead]:
    """The newest messages' narrow columns, newest first: a folder's conversations are grouped
    from these, and only the summaries the session has not opened yet are read after."""
    rows = await conn.execute(
        select(
            messages.c.mailbox_id,
            messages.c.uid,
            messages.c.flags,
            messages.c.internal_date,
            messages.c.size,
            messages.c.object_id,
        )
        .where(messages.c.mailbox_id == mailbox_id)
        .order_by(messages.c.uid.desc())
        .limit(limit)
    )
    return [
        MessageHead(
            row.mailbox_id,
            row.uid,
            decode_flags(row.flags),
            row.internal_date,
            row.size,
            bytes(row.object_id),
        )
        for row in rows
    ]


async def select_contents(conn: AsyncConnection, object_ids: Sequence[bytes]) -> dict[bytes, bytes]:
    """Encrypted bodies of several messages at once (a search reads them by the hundred)."""
    found: dict[bytes, bytes] = {}
    for start in range(0, len(object_ids), IN_CHUNK):
        rows = await conn.execute(
            select(contents.c.object_id, contents.c.content).where(
                contents.c.object_id.in_(object_ids[start : start + IN_CHUNK])
            )
        )
        found.update((bytes(row.object_id), bytes(row.content)) for row in rows)
    return found
