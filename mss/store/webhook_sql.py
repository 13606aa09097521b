"""Signed webhooks in SQL: reads on the reader engine, writes through the group committer.

A delivery is claimed by a compare-and-set on its attempt count that also pushes its next
attempt past the request's timeout (a lease), so two workers over one database never send the
same attempt twice and a worker that dies mid-request leaves the delivery to be retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, and_, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.database import Database
from mss.store.webhook_schema import webhook_deliveries, webhook_endpoints, webhook_watches
from mss.store.writer import Committer, WriteResult

PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"


@dataclass(frozen=True, slots=True)
class EndpointRow:
    id: int
    public_id: str
    sealed: bytes
    created_at: int


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    id: int
    public_id: str
    endpoint_id: int
    event_type: str
    sealed: bytes
    state: str
    attempts: int
    next_at: int
    last_status: int | None
    last_error: str
    created_at: int
    finished_at: int | None


@dataclass(frozen=True, slots=True)
class NewDelivery:
    public_id: str
    endpoint_id: int
    event_type: str
    sealed: bytes


def _endpoint(row: Row[Any]) -> EndpointRow:
    return EndpointRow(row.id, row.public_id, bytes(row.sealed), int(row.created_at))


def _delivery(row: Row[Any]) -> DeliveryRow:
    return DeliveryRow(
        row.id,
        row.public_id,
        row.endpoint_id,
        row.event_type,
        bytes(row.sealed),
        row.state,
        int(row.attempts),
        int(row.next_at),
        row.last_status,
        row.last_error,
        int(row.created_at),
        row.finished_at,
    )


class SqlWebhookStore:
    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    async def add_endpoint(self, public_id: str, owner_tag: bytes, sealed: bytes, now: int) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await conn.execute(
                insert(webhook_endpoints).values(
                    public_id=public_id, owner_tag=owner_tag, sealed=sealed, created_at=now
                )
            )
            return WriteResult(None)

        await self._committer.run(job)

    async def endpoints(self, owner_tag: bytes) -> list[EndpointRow]:
        query = (
            select(webhook_endpoints)
            .where(webhook_endpoints.c.owner_tag == owner_tag)
            .order_by(webhook_endpoints.c.id)
        )
        async with self._database.reader.connect() as conn:
            return [_endpoint(row) for row in await conn.execute(query)]

    async def endpoint(self, endpoint_id: int) -> EndpointRow | None:
        query = select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
        async with self._database.reader.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else _endpoint(row)

    async def remove_endpoint(self, owner_tag: bytes, public_id: str) -> bool:
        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            found = (
                await conn.execute(
                    select(webhook_endpoints.c.id).where(
                        and_(
                            webhook_endpoints.c.owner_tag == owner_tag,
                            webhook_endpoints.c.public_id == public_id,
                        )
                    )
                )
            ).first()
            if found is None:
                return WriteResult(False)
            await conn.execute(
                delete(webhook_deliveries).where(webhook_deliveries.c.endpoint_id == found.id)
            )
            await conn.execute(delete(webhook_endpoints).where(webhook_endpoints.c.id == found.id))
            return WriteResult(True)

        return await self._committer.run(job)

    async def enqueue(self, deliveries: list[NewDelivery], now: int) -> None:
        if not deliveries:
            return

        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await conn.execute(
                insert(webhook_deliveries),
                [
                    {
                        "public_id": d.public_id,
                        "endpoint_id": d.endpoint_id,
                        "event_type": d.event_type,
                        "sealed": d.sealed,
                        "state": PENDING,
                        "attempts": 0,
                        "next_at": now,
                        "last_error": "",
                        "created_at": now,
                    }
                    for d in deliveries
                ],
            )
            return WriteResult(None)

        await self._committer.run(job)

    async def deliveries(self, endpoint_id: int, limit: int) -> list[DeliveryRow]:
        query = (
            select(webhook_deliveries)
            .where(webhook_deliveries.c.endpoint_id == endpoint_id)
            .order_by(webhook_deliveries.c.id.desc())
            .limit(limit)
        )
        async with self._database.reader.connect() as conn:
            return [_delivery(row) for row in await conn.execute(query)]

    async def due(self, now: int, limit: int) -> list[DeliveryRow]:
        query = (
            select(webhook_deliveries)
            .where(and_(webhook_deliveries.c.state == PENDING, webhook_deliveries.c.next_at <= now))
            .order_by(webhook_deliveries.c.next_at, webhook_deliveries.c.id)
            .limit(limit)
        )
        async with self._database.reader.connect() as conn:
            return [_delivery(row) for row in await conn.execute(query)]

    async def claim(self, delivery: DeliveryRow, lease_until: int) -> bool:
        """Take the attempt: the row must still be pending at the attempt count it was read."""

        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            result = await conn.execute(
                update(webhook_deliveries)
                .where(
                    and_(
                        webhook_deliveries.c.id == delivery.id,
                        webhook_deliveries.c.state == PENDING,
                        webhook_deliveries.c.attempts == delivery.attempts,
                    )
                )
                .values(attempts=delivery.attempts + 1, next_at=lease_until)
            )
            return WriteResult(result.rowcount == 1)

        return await self._committer.run(job)

    async def record(
        self,
        delivery_id: int,
        state: str,
        next_at: int,
        status: int | None,
        error: str,
        finished_at: int | None,
    ) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await conn.execute(
                update(webhook_deliveries)
                .where(webhook_deliveries.c.id == delivery_id)
                .values(
                    state=state,
                    next_at=next_at,
                    last_status=status,
                    last_error=error[:200],
                    finished_at=finished_at,
                )
            )
            return WriteResult(None)

        await self._committer.run(job)

    async def add_watch(self, tag: bytes, sealed: bytes, now: int) -> None:
        """Remember a subject; watching it again keeps the first owner."""

        async def job(conn: AsyncConnection) -> WriteResult[None]:
            found = (
                await conn.execute(select(webhook_watches.c.id).where(webhook_watches.c.tag == tag))
            ).first()
            if found is None:
                await conn.execute(
                    insert(webhook_watches).values(tag=tag, sealed=sealed, created_at=now)
                )
            return WriteResult(None)

        await self._committer.run(job)

    async def watch(self, tag: bytes) -> bytes | None:
        query = select(webhook_watches.c.sealed).where(webhook_watches.c.tag == tag)
        async with self._database.reader.connect() as conn:
            found = (await conn.execute(query)).first()
        return None if found is None else bytes(found.sealed)
