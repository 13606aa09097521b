"""Engines for the two supported stores.

SQLite (the embedded default) allows one writer at a time: writes go through a dedicated engine
whose transactions begin ``IMMEDIATE`` (so a transaction never has to upgrade its lock and fail),
reads through a pool of WAL readers. The group commit writes through its own synchronous engine
(``thread_writer``), driven from one dedicated thread (``writer_thread.py``), so that a batch
costs the event loop one hand-off rather than one per statement. ``synchronous=FULL`` makes each
commit fsync the WAL: a commit that returned survives a crash. PostgreSQL needs no split: both
roles share one engine.

``secure_delete`` zeroes what SQLite frees, and :meth:`Database.scrub` checkpoints and truncates
the WAL, so a credential's old wrap does not linger in the files after it is replaced.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 30_000


@dataclass(frozen=True, slots=True)
class Database:
    reader: AsyncEngine
    writer: AsyncEngine
    url: str
    thread_writer: Engine | None = None
    """SQLite only: the synchronous engine of the group commit's writer thread."""

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")

    async def scrub(self) -> None:
        """After secrets were replaced or deleted: on SQLite, copy the WAL into the database
        (where ``secure_delete`` has zeroed the old rows) and truncate it. PostgreSQL keeps old
        row versions until VACUUM, which the operator schedules."""
        if self.is_sqlite:
            await asyncio.to_thread(_checkpoint, self.url.split("///", 1)[1])

    async def dispose(self) -> None:
        await self.writer.dispose()
        if self.thread_writer is not None:
            self.thread_writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()


def open_database(url: str, echo: bool = False) -> Database:
    if url.startswith("sqlite"):
        writer = create_async_engine(url, echo=echo, pool_size=1, max_overflow=0)
        reader = create_async_engine(url, echo=echo, pool_size=8, max_overflow=8)
        thread_writer = create_engine(
            make_url(url).set(drivername="sqlite"),
            echo=echo,
            pool_size=1,
            max_overflow=0,
            connect_args={"check_same_thread": False},
        )
        _configure_sqlite(writer.sync_engine, begin="BEGIN IMMEDIATE")
        _configure_sqlite(thread_writer, begin="BEGIN IMMEDIATE")
        _configure_sqlite(reader.sync_engine, begin="BEGIN")
        return Database(reader=reader, writer=writer, url=url, thread_writer=thread_writer)
    engine = create_async_engine(url, echo=echo, pool_size=10, max_overflow=20)
    return Database(reader=engine, writer=engine, url=url)


def _configure_sqlite(engine: Engine, begin: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so that BEGIN IMMEDIATE can be issued.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


def _checkpoint(path: str) -> None:
    connection = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
