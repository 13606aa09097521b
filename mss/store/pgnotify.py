"""The change feed across processes: PostgreSQL LISTEN/NOTIFY (DESIGN.md "Process model").

Implementation notes. Each process holds one dedicated asyncpg connection that both LISTENs and
NOTIFYs. A process does not dispatch its own changes directly: it sends them, and dispatches
whatever arrives on the channel — its own included — so every process sees one ordered stream.
If the connection is lost, changes are dispatched locally so this process's sessions still learn
of them, and the connection is re-established on the next publish.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

import asyncpg

from mss.store.changes import Change, ChangeFeed

log = logging.getLogger(__name__)

CHANNEL = "mss_changes"
MAX_UIDS_PER_NOTIFY = 500  # keeps each payload far below PostgreSQL's 8000-byte limit


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


class PostgresChangeFeed(ChangeFeed):
    def __init__(self, url: str) -> None:
        super().__init__()
        self._dsn = asyncpg_dsn(url)
        self._connection: Any = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        async with self._lock:
            await self._connect()

    async def _connect(self) -> None:
        if self._connection is not None and not self._connection.is_closed():
            return
        self._connection = await asyncpg.connect(self._dsn)
        await self._connection.add_listener(CHANNEL, self._on_notify)

    def _on_notify(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            self.dispatch([Change.from_json(payload)])
        except (ValueError, KeyError):
            log.warning("ignored a malformed change notification")

    async def publish(self, changes: Iterable[Change]) -> None:
        pending = [part for change in changes for part in _split(change)]
        async with self._lock:
            try:
                await self._connect()
                for change in pending:
                    await self._connection.execute(
                        "SELECT pg_notify($1, $2)", CHANNEL, change.to_json()
                    )
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.exception("change notification failed; dispatching locally only")
                self._connection = None
                self.dispatch(pending)

    async def stop(self) -> None:
        async with self._lock:
            if self._connection is not None and not self._connection.is_closed():
                await self._connection.close()
            self._connection = None


def _split(change: Change) -> list[Change]:
    if len(change.uids) <= MAX_UIDS_PER_NOTIFY:
        return [change]
    return [
        Change(
            change.kind,
            change.account_id,
            change.mailbox_id,
            change.uids[i : i + MAX_UIDS_PER_NOTIFY],
            change.modseq,
        )
        for i in range(0, len(change.uids), MAX_UIDS_PER_NOTIFY)
    ]
