"""The outbound queue's side of the store: each write a job of the store's group committer.

Sharing :class:`~mss.store.writer.Committer` with :class:`~mss.store.repository.SqlStore` keeps
SQLite's one writer per process and lets queue writes ride in the same group commits as mail
deliveries; every method returns only once its transaction is durable, which is what lets SMTP
answer 250 right after :meth:`SqlQueueStore.add`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store import queue_sql
from mss.store.database import Database
from mss.store.queue_records import (
    NewQueuedMessage,
    NewQueuedRecipient,
    QueuedMessage,
    QueuedRecipient,
    QueueListing,
    RecipientOutcome,
)
from mss.store.writer import Committer, WriteResult


class SqlQueueStore:
    def __init__(self, database: Database, committer: Committer) -> None:
        self.database = database
        self._committer = committer

    async def add(self, message: NewQueuedMessage, recipients: Sequence[NewQueuedRecipient]) -> int:
        async def job(conn: AsyncConnection) -> WriteResult[int]:
            return WriteResult(await queue_sql.insert_message(conn, message, recipients))

        return await self._committer.run(job)

    async def lease_due(
        self, owner: str, key_id: bytes, now_ms: int, lease_ms: int, limit: int
    ) -> list[QueuedRecipient]:
        async def job(conn: AsyncConnection) -> WriteResult[list[QueuedRecipient]]:
            leased = await queue_sql.lease_due(conn, owner, key_id, now_ms, lease_ms, limit)
            return WriteResult(leased)

        return await self._committer.run(job)

    async def lease_reports(
        self, owner: str, key_id: bytes, now_ms: int, lease_ms: int, limit: int
    ) -> list[QueuedRecipient]:
        async def job(conn: AsyncConnection) -> WriteResult[list[QueuedRecipient]]:
            leased = await queue_sql.lease_reports(conn, owner, key_id, now_ms, lease_ms, limit)
            return WriteResult(leased)

        return await self._committer.run(job)

    async def get_message(self, message_id: int) -> QueuedMessage | None:
        async with self.database.reader.connect() as conn:
            return await queue_sql.select_message(conn, message_id)

    async def record(self, owner: str, outcomes: Sequence[RecipientOutcome]) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await queue_sql.record_outcomes(conn, owner, outcomes)
            return WriteResult(None)

        await self._committer.run(job)

    async def reported(self, owner: str, recipient_ids: Sequence[int]) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await queue_sql.finish_reports(conn, owner, recipient_ids)
            return WriteResult(None)

        await self._committer.run(job)

    async def listing(self) -> list[QueueListing]:
        async with self.database.reader.connect() as conn:
            return await queue_sql.list_queue(conn)

    async def retry(self, message_id: int, now_ms: int) -> int:
        async def job(conn: AsyncConnection) -> WriteResult[int]:
            return WriteResult(await queue_sql.retry_message(conn, message_id, now_ms))

        return await self._committer.run(job)

    async def drop(self, message_id: int) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await queue_sql.drop_message(conn, message_id)
            return WriteResult(None)

        await self._committer.run(job)
