"""The receipts' side of the store: one claim per MDN, committed before the MDN is sent, and
each account's read-receipt setting."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.clock import now
from mss.store.database import Database
from mss.store.receipt_schema import receipt_preferences, receipts_sent
from mss.store.writer import Committer, WriteResult


class SqlReceiptLedger:
    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    async def claim(self, account_id: int, tag: bytes) -> bool:
        """Record ``tag`` for ``account_id``; ``False`` when it was recorded before."""

        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            result = await conn.execute(
                insert(receipts_sent)
                .values(account_id=account_id, tag=tag, created_at=now())
                .on_conflict_do_nothing()
            )
            return WriteResult(result.rowcount == 1)

        return await self._committer.run(job)

    async def has(self, account_id: int, tag: bytes) -> bool:
        async with self._database.reader.connect() as conn:
            row = await conn.execute(
                select(receipts_sent.c.tag).where(
                    receipts_sent.c.account_id == account_id, receipts_sent.c.tag == tag
                )
            )
            return row.first() is not None

    async def receipt_mode(self, account_id: int) -> str | None:
        async with self._database.reader.connect() as conn:
            row = await conn.execute(
                select(receipt_preferences.c.mode).where(
                    receipt_preferences.c.account_id == account_id
                )
            )
            return row.scalar_one_or_none()

    async def set_receipt_mode(self, account_id: int, mode: str) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            statement = insert(receipt_preferences).values(account_id=account_id, mode=mode)
            await conn.execute(
                statement.on_conflict_do_update(
                    index_elements=[receipt_preferences.c.account_id],
                    set_={"mode": statement.excluded.mode},
                )
            )
            return WriteResult(None)

        await self._committer.run(job)
