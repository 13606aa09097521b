"""The receipts' side of the store: one claim per MDN, committed before the MDN is sent."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.clock import now
from mss.store.receipt_schema import receipts_sent
from mss.store.writer import Committer, WriteResult


class SqlReceiptLedger:
    def __init__(self, committer: Committer) -> None:
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
