"""SQL for the encrypted mailbox indexes: read one, replace it if nobody else did meanwhile."""

from __future__ import annotations

from sqlalchemy import BigInteger, LargeBinary, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.index_schema import mailbox_indexes
from mss.store.schema import mailboxes


async def read(conn: AsyncConnection, mailbox_id: int) -> tuple[int, bytes] | None:
    """The generation and sealed blob of the mailbox's index, if it has one."""
    row = (
        await conn.execute(
            select(mailbox_indexes.c.generation, mailbox_indexes.c.blob).where(
                mailbox_indexes.c.mailbox_id == mailbox_id
            )
        )
    ).first()
    return None if row is None else (int(row.generation), bytes(row.blob))


async def replace(conn: AsyncConnection, mailbox_id: int, generation: int, blob: bytes) -> bool:
    """Store ``blob`` as generation ``generation + 1`` if the row is still at ``generation``
    (0: no row yet); False when another session wrote first (or the mailbox is gone)."""
    if generation == 0:
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        result = await conn.execute(
            insert(mailbox_indexes)
            .from_select(
                ["mailbox_id", "generation", "blob"],
                # Nothing is inserted for a mailbox deleted meanwhile (SQLite's upsert needs
                # this WHERE anyway to parse INSERT ... SELECT ... ON CONFLICT).
                select(mailboxes.c.id, literal(1, BigInteger), literal(blob, LargeBinary)).where(
                    mailboxes.c.id == mailbox_id
                ),
            )
            .on_conflict_do_nothing()
        )
        return bool(result.rowcount)
    result = await conn.execute(
        update(mailbox_indexes)
        .where(
            mailbox_indexes.c.mailbox_id == mailbox_id,
            mailbox_indexes.c.generation == generation,
        )
        .values(generation=generation + 1, blob=blob)
    )
    return bool(result.rowcount)
