"""SQL for mailboxes (folders): create, rename, delete.

Hierarchy uses "/" as delimiter (RFC 3501 §5.1.1). INBOX is matched case-insensitively by the
callers; here names are exact.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.account_sql import next_uidvalidity
from mss.store.changes import Change
from mss.store.clock import now
from mss.store.errors import AlreadyExists, Conflict, NotFound
from mss.store.message_sql import delete_orphan_contents
from mss.store.records import Mailbox
from mss.store.schema import mailboxes, messages

DELIMITER = "/"
INBOX = "INBOX"


def mailbox_from_row(row: Row[Any]) -> Mailbox:
    return Mailbox(
        id=row.id,
        account_id=row.account_id,
        name=row.name,
        special_use=row.special_use,
        uidvalidity=row.uidvalidity,
        uidnext=row.uidnext,
        highestmodseq=row.highestmodseq,
    )


async def insert_mailbox(
    conn: AsyncConnection, account_id: int, name: str, special_use: str | None
) -> tuple[Mailbox, list[Change]]:
    uidvalidity = await next_uidvalidity(conn, account_id)
    try:
        result = await conn.execute(
            insert(mailboxes)
            .values(
                account_id=account_id,
                name=name,
                special_use=special_use,
                uidvalidity=uidvalidity,
                uidnext=1,
                highestmodseq=1,
                created_at=now(),
            )
            .returning(mailboxes.c.id)
        )
    except IntegrityError as exc:
        raise AlreadyExists(f"mailbox {name} exists already") from exc
    mailbox = Mailbox(
        id=result.scalar_one(),
        account_id=account_id,
        name=name,
        special_use=special_use,
        uidvalidity=uidvalidity,
        uidnext=1,
        highestmodseq=1,
    )
    return mailbox, [Change("mailboxes", account_id, 0)]


async def remove_mailbox(conn: AsyncConnection, account_id: int, name: str) -> list[Change]:
    if name == INBOX:
        raise Conflict("INBOX cannot be deleted")
    row = (
        await conn.execute(
            select(mailboxes.c.id).where(
                mailboxes.c.account_id == account_id, mailboxes.c.name == name
            )
        )
    ).first()
    if row is None:
        raise NotFound(f"no mailbox named {name}")
    object_ids = [
        bytes(oid)
        for oid in (
            await conn.execute(select(messages.c.object_id).where(messages.c.mailbox_id == row.id))
        ).scalars()
    ]
    await conn.execute(delete(messages).where(messages.c.mailbox_id == row.id))
    await conn.execute(delete(mailboxes).where(mailboxes.c.id == row.id))
    await delete_orphan_contents(conn, object_ids)
    return [Change("mailboxes", account_id, 0), Change("expunged", account_id, row.id)]


async def rename_mailbox(
    conn: AsyncConnection, account_id: int, old: str, new: str
) -> list[Change]:
    """RFC 3501 §6.3.5: inferiors move with their parent; renaming INBOX moves its messages."""
    existing = await _names(conn, account_id)
    if old not in existing:
        raise NotFound(f"no mailbox named {old}")
    if new in existing:
        raise AlreadyExists(f"mailbox {new} exists already")
    if old == INBOX:
        target, _ = await insert_mailbox(conn, account_id, new, None)
        inbox_id = existing[INBOX]
        await _move_all(conn, inbox_id, target.id)
        return [Change("mailboxes", account_id, 0), Change("expunged", account_id, inbox_id)]
    prefix = old + DELIMITER
    for name, mailbox_id in existing.items():
        if name == old or name.startswith(prefix):
            renamed = new + name[len(old) :]
            await conn.execute(
                update(mailboxes).where(mailboxes.c.id == mailbox_id).values(name=renamed)
            )
    return [Change("mailboxes", account_id, 0)]


async def _move_all(conn: AsyncConnection, source_id: int, target_id: int) -> None:
    """Give the source's messages fresh UIDs in the (new, empty) target, in UID order."""
    rows = (
        (
            await conn.execute(
                select(messages.c.id)
                .where(messages.c.mailbox_id == source_id)
                .order_by(messages.c.uid)
            )
        )
        .scalars()
        .all()
    )
    for uid, message_id in enumerate(rows, start=1):
        await conn.execute(
            update(messages)
            .where(messages.c.id == message_id)
            .values(mailbox_id=target_id, uid=uid, modseq=2)
        )
    await conn.execute(
        update(mailboxes)
        .where(mailboxes.c.id == target_id)
        .values(uidnext=len(rows) + 1, highestmodseq=2)
    )
    await conn.execute(
        update(mailboxes)
        .where(mailboxes.c.id == source_id)
        .values(highestmodseq=mailboxes.c.highestmodseq + 1)
    )


async def _names(conn: AsyncConnection, account_id: int) -> dict[str, int]:
    rows = await conn.execute(
        select(mailboxes.c.name, mailboxes.c.id).where(mailboxes.c.account_id == account_id)
    )
    return {row.name: row.id for row in rows}


async def select_mailbox(conn: AsyncConnection, account_id: int, name: str) -> Mailbox | None:
    row = (
        await conn.execute(
            select(mailboxes).where(mailboxes.c.account_id == account_id, mailboxes.c.name == name)
        )
    ).first()
    return mailbox_from_row(row) if row is not None else None


async def mailbox_counts(conn: AsyncConnection, mailbox_id: int) -> tuple[int, int]:
    """(messages, unseen) for STATUS and the webmail's folder list."""
    seen = messages.c.flags.contains("\\Seen", autoescape=True)
    row = (
        await conn.execute(
            select(func.count(), func.count(case((seen, None), else_=1))).where(
                messages.c.mailbox_id == mailbox_id
            )
        )
    ).one()
    return int(row[0]), int(row[1])
