"""SQL of the trust list's table: peers added with ``mss trust add`` (the file has the others)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.clock import now
from mss.store.database import Database
from mss.store.errors import AlreadyExists, NotFound
from mss.store.queue_records import StoredPeer
from mss.store.queue_schema import trusted_peers
from mss.store.whitelist_sql import SqlWhitelistStore
from mss.store.writer import Committer, WriteResult


def _peer_from_row(row: Row[Any]) -> StoredPeer:
    return StoredPeer(row.domain, row.host, row.port, row.pem.encode("ascii"), row.created_at)


class SqlTrustStore:
    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    @property
    def whitelist(self) -> SqlWhitelistStore:
        """The national whitelist's table, beside the peers added by hand."""
        return SqlWhitelistStore(self._database, self._committer)

    async def list_peers(self) -> list[StoredPeer]:
        async with self._database.reader.connect() as conn:
            rows = await conn.execute(select(trusted_peers).order_by(trusted_peers.c.domain))
            return [_peer_from_row(row) for row in rows]

    async def add_peer(self, domain: str, host: str, port: int, pem: bytes) -> StoredPeer:
        created = now()

        async def job(conn: AsyncConnection) -> WriteResult[StoredPeer]:
            try:
                await conn.execute(
                    insert(trusted_peers).values(
                        domain=domain,
                        host=host,
                        port=port,
                        pem=pem.decode("ascii"),
                        created_at=created,
                    )
                )
            except IntegrityError as exc:
                raise AlreadyExists(f"{domain} is in the trust list already") from exc
            return WriteResult(StoredPeer(domain, host, port, pem, created))

        return await self._committer.run(job)

    async def remove_peer(self, domain: str) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            result = await conn.execute(
                delete(trusted_peers).where(trusted_peers.c.domain == domain)
            )
            if result.rowcount == 0:
                raise NotFound(f"{domain} is not in the trust list")
            return WriteResult(None)

        await self._committer.run(job)
