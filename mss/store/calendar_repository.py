"""The agenda's side of the store: reads on the reader engine, writes as jobs of the store's
group :class:`~mss.store.writer.Committer` (durable when a method returns). Every statement names
the owner, so an entry id alone never reaches another account's row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, and_, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.calendar_records import EntryRecord, NewReminder, ReminderRecord
from mss.store.calendar_schema import calendar_entries, calendar_reminders
from mss.store.database import Database
from mss.store.records import NewMessage
from mss.store.writer import Committer, WriteResult


def _entry(row: Row[Any]) -> EntryRecord:
    return EntryRecord(
        row.id,
        row.account_id,
        bytes(row.event_tag),
        bytes(row.object_id),
        bytes(row.sealed_key),
        bytes(row.body),
    )


def _reminder(row: Row[Any]) -> ReminderRecord:
    message = NewMessage(
        object_id=bytes(row.object_id),
        sealed_key=bytes(row.sealed_key),
        summary=bytes(row.summary),
        content=bytes(row.content),
        size=row.size,
        internal_date=row.due_at,
    )
    return ReminderRecord(
        row.id, row.account_id, bytes(row.event_tag), row.due_at, bytes(row.schedule), message
    )


class SqlCalendarStore:
    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    async def add_entry(
        self, account_id: int, tag: bytes, object_id: bytes, sealed_key: bytes, body: bytes
    ) -> int:
        async def job(conn: AsyncConnection) -> WriteResult[int]:
            result = await conn.execute(
                insert(calendar_entries)
                .values(
                    account_id=account_id,
                    event_tag=tag,
                    object_id=object_id,
                    sealed_key=sealed_key,
                    body=body,
                )
                .returning(calendar_entries.c.id)
            )
            return WriteResult(int(result.scalar_one()))

        return await self._committer.run(job)

    async def entries(self, account_id: int, tag: bytes | None = None) -> list[EntryRecord]:
        query = select(calendar_entries).where(calendar_entries.c.account_id == account_id)
        if tag is not None:
            query = query.where(calendar_entries.c.event_tag == tag)
        async with self._database.reader.connect() as conn:
            rows = await conn.execute(query.order_by(calendar_entries.c.id))
            return [_entry(row) for row in rows]

    async def delete_event(self, account_id: int, tag: bytes) -> int:
        """Every entry and pending reminder of one event; how many entries went."""

        async def job(conn: AsyncConnection) -> WriteResult[int]:
            await conn.execute(_reminders_of(account_id, tag))
            result = await conn.execute(
                delete(calendar_entries).where(
                    calendar_entries.c.account_id == account_id,
                    calendar_entries.c.event_tag == tag,
                )
            )
            return WriteResult(int(result.rowcount or 0))

        return await self._committer.run(job)

    async def replace_reminders(
        self, account_id: int, tag: bytes, reminders: Sequence[NewReminder]
    ) -> None:
        """Drop the event's pending reminders and schedule ``reminders`` in one transaction."""

        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await conn.execute(_reminders_of(account_id, tag))
            for reminder in reminders:
                await conn.execute(
                    insert(calendar_reminders).values(
                        account_id=account_id,
                        event_tag=tag,
                        due_at=reminder.due_at,
                        claimed_until=0,
                        schedule=reminder.schedule,
                        object_id=reminder.message.object_id,
                        sealed_key=reminder.message.sealed_key,
                        summary=reminder.message.summary,
                        content=reminder.message.content,
                        size=reminder.message.size,
                    )
                )
            return WriteResult(None)

        await self._committer.run(job)

    async def reminders_of(self, account_id: int, tag: bytes) -> list[ReminderRecord]:
        async with self._database.reader.connect() as conn:
            rows = await conn.execute(
                select(calendar_reminders)
                .where(
                    calendar_reminders.c.account_id == account_id,
                    calendar_reminders.c.event_tag == tag,
                )
                .order_by(calendar_reminders.c.due_at)
            )
            return [_reminder(row) for row in rows]

    async def claim_due(self, now: int, lease: int, limit: int) -> list[ReminderRecord]:
        """Reminders due by ``now`` that no live lease holds, leased to the caller.

        The lease is taken by a conditional UPDATE per row, so two workers sharing a database
        never both claim one reminder."""

        async def job(conn: AsyncConnection) -> WriteResult[list[ReminderRecord]]:
            rows = (
                await conn.execute(
                    select(calendar_reminders)
                    .where(
                        calendar_reminders.c.due_at <= now,
                        calendar_reminders.c.claimed_until <= now,
                    )
                    .order_by(calendar_reminders.c.due_at)
                    .limit(limit)
                )
            ).all()
            claimed = []
            for row in rows:
                result = await conn.execute(
                    update(calendar_reminders)
                    .where(
                        and_(
                            calendar_reminders.c.id == row.id,
                            calendar_reminders.c.claimed_until <= now,
                        )
                    )
                    .values(claimed_until=now + lease)
                )
                if result.rowcount == 1:
                    claimed.append(_reminder(row))
            return WriteResult(claimed)

        return await self._committer.run(job)

    async def delete_reminder(self, reminder_id: int) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await conn.execute(
                delete(calendar_reminders).where(calendar_reminders.c.id == reminder_id)
            )
            return WriteResult(None)

        await self._committer.run(job)


def _reminders_of(account_id: int, tag: bytes) -> Any:
    return delete(calendar_reminders).where(
        calendar_reminders.c.account_id == account_id, calendar_reminders.c.event_tag == tag
    )
