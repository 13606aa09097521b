"""SQL for the correspondents table (keyed tags only; see schema.correspondents).

The row's time is perturbed like a message's clear date (mss/coarse.py): exact, it fell in the
same second as the sender's tracking rows and linked the professional to the patient.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.coarse import clear_date
from mss.store.clock import now
from mss.store.schema import correspondents


async def add(conn: AsyncConnection, account_id: int, tag: bytes) -> None:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    await conn.execute(
        insert(correspondents)
        .values(account_id=account_id, tag=tag, created_at=clear_date(now()))
        .on_conflict_do_nothing()
    )


async def remove(conn: AsyncConnection, account_id: int, tag: bytes) -> None:
    await conn.execute(
        delete(correspondents).where(
            correspondents.c.account_id == account_id, correspondents.c.tag == tag
        )
    )


async def has(conn: AsyncConnection, account_id: int, tag: bytes) -> bool:
    row = await conn.execute(
        select(correspondents.c.tag).where(
            correspondents.c.account_id == account_id, correspondents.c.tag == tag
        )
    )
    return row.first() is not None
