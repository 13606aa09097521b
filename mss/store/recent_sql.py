"""SQL for the \\Recent claims (RFC 3501 §2.3.2): which UIDs some session already took."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.recent_schema import recent_claims


async def claimed(conn: AsyncConnection, mailbox_id: int) -> int:
    """The highest UID already taken as recent; 0 for a mailbox never selected."""
    row = await conn.execute(
        select(recent_claims.c.claimed_uid).where(recent_claims.c.mailbox_id == mailbox_id)
    )
    return int(row.scalar_one_or_none() or 0)


async def claim(conn: AsyncConnection, mailbox_id: int, highest_uid: int) -> int:
    """Take every UID up to ``highest_uid``; returns the claim before, so that the caller's
    recent messages are exactly those above it.

    The row is locked for the rest of the transaction (``FOR UPDATE`` on PostgreSQL; SQLite has
    one writer), so two sessions, in one process or two, never both take the same UID.
    """
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    await conn.execute(
        insert(recent_claims).values(mailbox_id=mailbox_id, claimed_uid=0).on_conflict_do_nothing()
    )
    row = await conn.execute(
        select(recent_claims.c.claimed_uid)
        .where(recent_claims.c.mailbox_id == mailbox_id)
        .with_for_update()
    )
    before = int(row.scalar_one())
    if highest_uid > before:
        await conn.execute(
            update(recent_claims)
            .where(recent_claims.c.mailbox_id == mailbox_id)
            .values(claimed_uid=highest_uid)
        )
    return before
