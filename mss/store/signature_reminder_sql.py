"""Reminders of signature requests in SQL: reads on the reader engine, writes through the group
committer. A reminder is marked sent by a compare-and-set on ``sent_at``, so two workers over
one database send it once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.database import Database
from mss.store.signature_reminder_schema import signature_reminders
from mss.store.signature_schema import signature_requests
from mss.store.writer import Committer, WriteResult


@dataclass(frozen=True, slots=True)
class DueReminder:
    id: int
    public_id: bytes
    due_at: int
    state: str
    signer_states: tuple[str, ...]
    sealed: bytes


class SqlSignatureReminderStore:
    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    async def add(self, public_id: bytes, reminders: list[tuple[int, bytes]]) -> None:
        """``reminders``: (due time, sealed messages) for the request ``public_id``."""

        async def job(conn: AsyncConnection) -> WriteResult[None]:
            request_id = (
                await conn.execute(
                    select(signature_requests.c.id).where(
                        signature_requests.c.public_id == public_id
                    )
                )
            ).scalar_one()
            await conn.execute(
                insert(signature_reminders),
                [
                    {"request_id": request_id, "due_at": due, "sealed": sealed}
                    for due, sealed in reminders
                ],
            )
            return WriteResult(None)

        if reminders:
            await self._committer.run(job)

    async def due(self, now: int, limit: int) -> list[DueReminder]:
        query = (
            select(
                signature_reminders.c.id,
                signature_reminders.c.due_at,
                signature_reminders.c.sealed,
                signature_requests.c.public_id,
                signature_requests.c.state,
                signature_requests.c.signer_states,
            )
            .join(signature_requests, signature_requests.c.id == signature_reminders.c.request_id)
            .where(
                and_(signature_reminders.c.sent_at.is_(None), signature_reminders.c.due_at <= now)
            )
            .order_by(signature_reminders.c.due_at, signature_reminders.c.id)
            .limit(limit)
        )
        async with self._database.reader.connect() as conn:
            return [
                DueReminder(
                    row.id,
                    bytes(row.public_id),
                    int(row.due_at),
                    row.state,
                    tuple(row.signer_states.split(",")),
                    bytes(row.sealed),
                )
                for row in await conn.execute(query)
            ]

    async def mark_sent(self, reminder_id: int, now: int) -> bool:
        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            result = await conn.execute(
                update(signature_reminders)
                .where(
                    and_(
                        signature_reminders.c.id == reminder_id,
                        signature_reminders.c.sent_at.is_(None),
                    )
                )
                .values(sent_at=now)
            )
            return WriteResult(result.rowcount == 1)

        return await self._committer.run(job)
