"""The webmail's side of the store: sessions and TOTP second factors (its reading of mail goes
through the core's store, mss/store/interfaces.py).

Reads run on the reader engine; writes are jobs of the store's group
:class:`~mss.store.writer.Committer`, so each is durable when its method returns.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store import recovery_sql, session_sql
from mss.store.database import Database
from mss.store.webmail_records import (
    NewWebSession,
    SessionWithAccount,
    TotpRecord,
    WebSessionRecord,
)
from mss.store.writer import Committer, WriteResult


class SqlWebmailStore:
    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    # Sessions ----------------------------------------------------------------------------

    async def create_session(
        self, new: NewWebSession, replacing: int | None = None
    ) -> WebSessionRecord:
        """Insert a session; ``replacing`` (a pending session's id) is deleted in the same
        transaction, so a session id is never reused across the second-factor step."""

        async def job(conn: AsyncConnection) -> WriteResult[WebSessionRecord]:
            if replacing is not None:
                await session_sql.delete_session(conn, new.account_id, replacing)
            return WriteResult(await session_sql.insert_session(conn, new))

        return await self._committer.run(job)

    async def find_session(self, lookup: bytes) -> SessionWithAccount | None:
        async with self._database.reader.connect() as conn:
            return await session_sql.select_by_lookup(conn, lookup)

    async def list_sessions(self, account_id: int) -> list[WebSessionRecord]:
        async with self._database.reader.connect() as conn:
            return await session_sql.select_sessions(conn, account_id)

    async def touch_session(self, session_id: int, seen_at: int) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await session_sql.touch(conn, session_id, seen_at)
            return WriteResult(None)

        await self._committer.run(job)

    async def delete_session(self, account_id: int, session_id: int) -> bool:
        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            return WriteResult(await session_sql.delete_session(conn, account_id, session_id))

        return await self._committer.run(job)

    async def delete_other_sessions(self, account_id: int, keep_id: int) -> int:
        async def job(conn: AsyncConnection) -> WriteResult[int]:
            return WriteResult(await session_sql.delete_other_sessions(conn, account_id, keep_id))

        return await self._committer.run(job)

    async def purge_expired_sessions(self, now: int, idle_cutoff: int) -> int:
        async def job(conn: AsyncConnection) -> WriteResult[int]:
            return WriteResult(await session_sql.purge_expired(conn, now, idle_cutoff))

        return await self._committer.run(job)

    # TOTP --------------------------------------------------------------------------------

    async def get_totp(self, account_id: int) -> TotpRecord | None:
        async with self._database.reader.connect() as conn:
            return await session_sql.select_totp(conn, account_id)

    async def set_totp(self, record: TotpRecord) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await session_sql.replace_totp(conn, record)
            return WriteResult(None)

        await self._committer.run(job)

    async def delete_totp(self, account_id: int) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await session_sql.delete_totp(conn, account_id)
            await recovery_sql.delete_codes(conn, account_id)
            return WriteResult(None)

        await self._committer.run(job)

    async def use_totp_step(self, account_id: int, step: int) -> bool:
        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            return WriteResult(await session_sql.advance_totp_step(conn, account_id, step))

        return await self._committer.run(job)

    async def enrol_totp(self, record: TotpRecord, recovery_digests: Sequence[bytes]) -> None:
        """The second factor and its recovery codes, in one transaction."""

        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await session_sql.replace_totp(conn, record)
            await recovery_sql.replace_codes(conn, record.account_id, recovery_digests)
            return WriteResult(None)

        await self._committer.run(job)

    async def replace_recovery_codes(self, account_id: int, digests: Sequence[bytes]) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await recovery_sql.replace_codes(conn, account_id, digests)
            return WriteResult(None)

        await self._committer.run(job)

    async def use_recovery_code(self, account_id: int, digest: bytes) -> bool:
        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            return WriteResult(await recovery_sql.use_code(conn, account_id, digest))

        return await self._committer.run(job)

    async def recovery_codes_left(self, account_id: int) -> int:
        async with self._database.reader.connect() as conn:
            return await recovery_sql.count_codes(conn, account_id)
