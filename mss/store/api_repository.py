"""The API keys' side of the store: reads on the reader engine, writes as jobs of the store's
group :class:`~mss.store.writer.Committer` (durable when a method returns)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.api_schema import api_keys, api_messages, api_requests
from mss.store.database import Database
from mss.store.queue_schema import queue_messages, queue_recipients
from mss.store.writer import Committer, WriteResult


@dataclass(frozen=True)
class ApiKeyRecord:
    id: int
    account_id: int
    lookup: str
    tag: bytes
    label: str
    scopes: frozenset[str]
    created_at: int
    revoked_at: int | None
    salt: bytes | None
    wrapped: bytes | None


def _record(row: Row[Any]) -> ApiKeyRecord:
    return ApiKeyRecord(
        row.id,
        row.account_id,
        row.lookup,
        bytes(row.tag),
        row.label,
        frozenset(row.scopes.split(",")),
        row.created_at,
        row.revoked_at,
        None if row.salt is None else bytes(row.salt),
        None if row.wrapped is None else bytes(row.wrapped),
    )


class SqlApiKeyStore:
    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    async def add(
        self,
        account_id: int,
        lookup: str,
        tag: bytes,
        label: str,
        scopes: frozenset[str],
        now: int,
        *,
        salt: bytes,
        wrapped: bytes,
    ) -> int:
        async def job(conn: AsyncConnection) -> WriteResult[int]:
            result = await conn.execute(
                insert(api_keys)
                .values(
                    account_id=account_id,
                    lookup=lookup,
                    tag=tag,
                    label=label,
                    scopes=",".join(sorted(scopes)),
                    created_at=now,
                    salt=salt,
                    wrapped=wrapped,
                )
                .returning(api_keys.c.id)
            )
            return WriteResult(int(result.scalar_one()))

        return await self._committer.run(job)

    async def by_lookup(self, lookup: str) -> ApiKeyRecord | None:
        async with self._database.reader.connect() as conn:
            row = (await conn.execute(select(api_keys).where(api_keys.c.lookup == lookup))).first()
        return None if row is None else _record(row)

    async def of_account(self, account_id: int) -> list[ApiKeyRecord]:
        query = select(api_keys).where(api_keys.c.account_id == account_id).order_by(api_keys.c.id)
        async with self._database.reader.connect() as conn:
            return [_record(row) for row in await conn.execute(query)]

    async def revoke(self, lookup: str, now: int) -> bool:
        """Mark a key revoked and drop its wrap, so nothing could unlock with it any more;
        False when no live key has that identifier."""

        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            result = await conn.execute(
                update(api_keys)
                .where(api_keys.c.lookup == lookup, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=now, salt=None, wrapped=None)
            )
            return WriteResult(result.rowcount == 1)

        return await self._committer.run(job)


@dataclass(frozen=True)
class Claim:
    """What claiming an idempotency tag found: ``fresh`` when this request is the first."""

    fresh: bool
    answer: bytes | None


class SqlApiRequestStore:
    """Idempotency keys of the API: claimed before sending, answered once sent."""

    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    async def claim(self, account_id: int, tag: bytes, now: int) -> Claim:
        async def job(conn: AsyncConnection) -> WriteResult[Claim]:
            found = (
                await conn.execute(select(api_requests.c.answer).where(api_requests.c.tag == tag))
            ).first()
            if found is not None:
                return WriteResult(
                    Claim(False, None if found.answer is None else bytes(found.answer))
                )
            await conn.execute(
                insert(api_requests).values(account_id=account_id, tag=tag, created_at=now)
            )
            return WriteResult(Claim(True, None))

        return await self._committer.run(job)

    async def answer(self, tag: bytes, sealed: bytes) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await conn.execute(
                update(api_requests).where(api_requests.c.tag == tag).values(answer=sealed)
            )
            return WriteResult(None)

        await self._committer.run(job)

    async def release(self, tag: bytes) -> None:
        """Forget a claim whose request failed before sending, so a retry may try again."""

        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await conn.execute(delete(api_requests).where(api_requests.c.tag == tag))
            return WriteResult(None)

        await self._committer.run(job)


class SqlApiMessageStore:
    """Messages sent through the API and what the queue still knows of their recipients."""

    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    async def add(self, account_id: int, public_id: str, sealed: bytes, now: int) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await conn.execute(
                insert(api_messages).values(
                    account_id=account_id, public_id=public_id, created_at=now, sealed=sealed
                )
            )
            return WriteResult(None)

        await self._committer.run(job)

    async def sealed(self, account_id: int, public_id: str) -> bytes | None:
        """The sealed record of one of the account's messages; None for another's or unknown."""
        query = select(api_messages.c.sealed).where(
            api_messages.c.public_id == public_id, api_messages.c.account_id == account_id
        )
        async with self._database.reader.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else bytes(row.sealed)

    async def queue_states(self, account_id: int, public_id: str) -> dict[str, str]:
        """Recipient address -> queue state (pending, delivered, failed) of rows still queued."""
        query = (
            select(queue_recipients.c.address, queue_recipients.c.state)
            .join(queue_messages, queue_messages.c.id == queue_recipients.c.message_id)
            .where(queue_messages.c.envid == public_id, queue_messages.c.account_id == account_id)
        )
        async with self._database.reader.connect() as conn:
            return {row.address: row.state for row in await conn.execute(query)}
