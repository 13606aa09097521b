"""SQL of the credential generations (table in generation_schema)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.changes import Change
from mss.store.database import Database
from mss.store.generation_schema import credential_generations
from mss.store.writer import Committer, WriteResult

table = credential_generations


class SqlGenerationStore:
    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    async def current(self, account_id: int) -> int:
        """The account's generation as committed; 0 when it was never bumped."""
        async with self._database.reader.connect() as conn:
            row = await conn.execute(
                select(table.c.generation).where(table.c.account_id == account_id)
            )
            return int(row.scalar_one_or_none() or 0)

    async def bump(self, account_id: int) -> int:
        """Add one, atomically (one upsert: two processes bumping at once both count); the
        ``credentials`` change tells every process after the commit."""

        async def job(conn: AsyncConnection) -> WriteResult[int]:
            insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            statement = insert(table).values(account_id=account_id, generation=1)
            result = await conn.execute(
                statement.on_conflict_do_update(
                    index_elements=[table.c.account_id],
                    set_={"generation": table.c.generation + 1},
                ).returning(table.c.generation)
            )
            return WriteResult(int(result.scalar_one()), [Change("credentials", account_id, 0)])

        return await self._committer.run(job)
