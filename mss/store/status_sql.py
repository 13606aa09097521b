"""The figures of ``mss status`` and of the queue gauge, read in a few aggregate queries.

Only counts, ages and sizes: nothing here reads an address, a subject or a content, so the
operator's view says how busy the server is, never who writes to whom.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Row, and_, func, select, text

from mss.store.database import Database
from mss.store.queue_records import RecipientState
from mss.store.queue_schema import queue_messages, queue_recipients
from mss.store.schema import accounts, domains

MINUTE = 60


@dataclass(frozen=True, slots=True)
class QueueFigures:
    messages: int
    """Queued messages with at least one recipient still pending."""
    pending: int
    """Pending recipients never tried yet."""
    deferred: int
    """Pending recipients tried at least once (a temporary failure), waiting for a retry."""
    oldest_ms: int | None
    """When the oldest message still pending was queued (milliseconds since the epoch)."""


class SqlStatus:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def queue(self) -> QueueFigures:
        pending = queue_recipients.c.state == RecipientState.PENDING.value
        tried = queue_recipients.c.attempts > 0
        async with self._database.reader.connect() as connection:
            row = (
                await connection.execute(
                    select(
                        func.count(func.distinct(queue_recipients.c.message_id)),
                        func.count().filter(~tried),
                        func.count().filter(tried),
                        func.min(queue_messages.c.created_at_ms),
                    )
                    .select_from(queue_recipients.join(queue_messages))
                    .where(pending)
                )
            ).one()
        return QueueFigures(int(row[0]), int(row[1]), int(row[2]), row[3])

    async def relayed_per_minute(self, now: int, minutes: int) -> list[int]:
        """Recipients relayed per minute over the last ``minutes``, the current one first.

        Local deliveries are not counted here: their clear dates are perturbed on purpose
        (``mss/coarse.py``); the running server counts them in memory instead.
        """
        start = now - minutes * MINUTE
        relayed_at = queue_recipients.c.last_attempt_ms // 1000
        minute = (now - relayed_at) // MINUTE
        async with self._database.reader.connect() as connection:
            rows = (
                await connection.execute(
                    select(minute, func.count())
                    .where(
                        and_(
                            queue_recipients.c.state == RecipientState.DELIVERED.value,
                            relayed_at > start,
                            relayed_at <= now,
                        )
                    )
                    .group_by(minute)
                )
            ).all()
        relayed = _by_minute(rows)
        return [relayed.get(ago, 0) for ago in range(minutes)]

    async def counts(self) -> tuple[int, int]:
        """Accounts and domains."""
        async with self._database.reader.connect() as connection:
            account_count = await connection.scalar(select(func.count()).select_from(accounts))
            domain_count = await connection.scalar(select(func.count()).select_from(domains))
        return int(account_count or 0), int(domain_count or 0)

    async def store_bytes(self) -> int:
        """The database's size on disk: the SQLite file with its WAL, or pg_database_size."""
        if self._database.is_postgres:
            async with self._database.reader.connect() as connection:
                size = await connection.scalar(text("SELECT pg_database_size(current_database())"))
            return int(size or 0)
        return await asyncio.to_thread(_file_bytes, self._database.url.split("///", 1)[1])


def _by_minute(rows: Sequence[Row[int, int]]) -> dict[int, int]:
    return {int(minute): int(count) for minute, count in rows}


def _file_bytes(path: str) -> int:
    return sum(
        os.path.getsize(candidate)
        for candidate in (path, f"{path}-wal")
        if os.path.exists(candidate)
    )
