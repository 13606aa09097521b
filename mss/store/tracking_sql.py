"""SQL of sender-side tracking (tables in tracking_schema)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.database import Database
from mss.store.tracking_schema import tracking_events, tracking_watches
from mss.store.writer import Committer, WriteResult


@dataclass(frozen=True, slots=True)
class Watch:
    account_id: int
    mailbox_id: int | None
    uid: int | None


@dataclass(frozen=True, slots=True)
class StoredEvent:
    state: str
    at: int
    object_id: bytes
    sealed: bytes


class SqlTrackingStore:
    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    async def watch(self, tag: bytes, account_id: int, at: int) -> bool:
        """Start tracking; ``False`` when this Message-ID was already tracked for the account
        (a resent message keeps its first watch)."""

        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            result = await conn.execute(
                insert(tracking_watches)
                .values(tag=tag, account_id=account_id, created_at=at)
                .on_conflict_do_nothing()
            )
            return WriteResult(result.rowcount == 1)

        return await self._committer.run(job)

    async def record_sent(
        self, tag: bytes, events: list[StoredEvent], sent_copy: tuple[int, int] | None
    ) -> set[str]:
        """In one transaction: the send's own events, where its Sent copy is, and every state
        known so far (reports may have arrived while the send was under way)."""

        async def job(conn: AsyncConnection) -> WriteResult[set[str]]:
            await _insert_events(conn, tag, events)
            if sent_copy is not None:
                mailbox_id, uid = sent_copy
                await conn.execute(
                    update(tracking_watches)
                    .where(tracking_watches.c.tag == tag)
                    .values(mailbox_id=mailbox_id, uid=uid)
                )
            rows = await conn.execute(
                select(tracking_events.c.state).where(tracking_events.c.tag == tag)
            )
            return WriteResult({row.state for row in rows})

        return await self._committer.run(job)

    async def watched(self, tag: bytes) -> Watch | None:
        async with self._database.reader.connect() as conn:
            row = (
                await conn.execute(
                    select(
                        tracking_watches.c.account_id,
                        tracking_watches.c.mailbox_id,
                        tracking_watches.c.uid,
                    ).where(tracking_watches.c.tag == tag)
                )
            ).first()
        return None if row is None else Watch(row.account_id, row.mailbox_id, row.uid)

    async def add_events(self, tag: bytes, events: list[StoredEvent]) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await _insert_events(conn, tag, events)
            return WriteResult(None)

        await self._committer.run(job)

    async def events(self, tag: bytes) -> list[StoredEvent]:
        async with self._database.reader.connect() as conn:
            rows = await conn.execute(
                select(tracking_events)
                .where(tracking_events.c.tag == tag)
                .order_by(tracking_events.c.at, tracking_events.c.id)
            )
            return [StoredEvent(r.state, r.at, r.object_id, r.sealed) for r in rows]


async def _insert_events(conn: AsyncConnection, tag: bytes, events: list[StoredEvent]) -> None:
    if events:
        await conn.execute(
            tracking_events.insert(),
            [
                {
                    "tag": tag,
                    "state": e.state,
                    "at": e.at,
                    "object_id": e.object_id,
                    "sealed": e.sealed,
                }
                for e in events
            ],
        )
