"""SQL of the whitelist's table: lookups for the trust policy, and the all-or-nothing import."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import and_, bindparam, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.database import Database
from mss.store.whitelist_schema import whitelist_entries as table
from mss.store.writer import Committer, WriteResult
from mss.whitelist import Changes, Entries, changes_between


class SqlWhitelistStore:
    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    async def dn_keys(self, domain: str) -> frozenset[str]:
        """The canonical DNs allowed for ``domain``; empty when it is not whitelisted."""
        async with self._database.reader.connect() as conn:
            rows = await conn.execute(select(table.c.dn_key).where(table.c.domain == domain))
            return frozenset(row.dn_key for row in rows)

    async def has_dn_key(self, key: str) -> bool:
        async with self._database.reader.connect() as conn:
            found = await conn.execute(select(table.c.domain).where(table.c.dn_key == key).limit(1))
            return found.first() is not None

    async def entries(self) -> dict[str, dict[str, str]]:
        async with self._database.reader.connect() as conn:
            return await _entries(conn)

    async def replace(self, new: Entries, check: Callable[[Changes], None]) -> Changes:
        """Make the table equal ``new`` in one transaction. ``check`` sees the changes against
        the rows read in that same transaction and raises to refuse them: then nothing changes."""

        async def job(conn: AsyncConnection) -> WriteResult[Changes]:
            current = await _entries(conn)
            changes = changes_between(current, new)
            check(changes)
            gone = [
                {"d": domain, "k": key}
                for domain, keys in current.items()
                for key in keys
                if key not in new.get(domain, {})
            ]
            fresh = [
                {"domain": domain, "dn_key": key, "dn": dn}
                for domain, keys in new.items()
                for key, dn in keys.items()
                if key not in current.get(domain, {})
            ]
            if gone:
                condition = and_(table.c.domain == bindparam("d"), table.c.dn_key == bindparam("k"))
                await conn.execute(delete(table).where(condition), gone)
            if fresh:
                await conn.execute(insert(table), fresh)
            return WriteResult(changes)

        return await self._committer.run(job)


async def _entries(conn: AsyncConnection) -> dict[str, dict[str, str]]:
    rows = await conn.execute(select(table.c.domain, table.c.dn_key, table.c.dn))
    entries: dict[str, dict[str, str]] = {}
    for row in rows:
        entries.setdefault(row.domain, {})[row.dn_key] = row.dn
    return entries
