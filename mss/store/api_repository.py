"""The API keys' side of the store: reads on the reader engine, writes as jobs of the store's
group :class:`~mss.store.writer.Committer` (durable when a method returns)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.api_schema import api_keys
from mss.store.database import Database
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
    )


class SqlApiKeyStore:
    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    async def add(
        self, account_id: int, lookup: str, tag: bytes, label: str, scopes: frozenset[str], now: int
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
        """Mark a key revoked; False when no live key has that identifier."""

        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            result = await conn.execute(
                update(api_keys)
                .where(api_keys.c.lookup == lookup, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            return WriteResult(result.rowcount == 1)

        return await self._committer.run(job)
