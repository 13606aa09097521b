"""SQLite's writer thread: a whole group-commit batch costs the event loop one hand-off.

Why. Through aiosqlite every statement is a round trip between the event loop and aiosqlite's
thread (a queue put, a wakeup, a future resolved back on the loop); a batch of appends made
about ten of them, and profiling showed that hand-off costing more than all the encryption. Here
the batch (BEGIN IMMEDIATE, UID allocation, inserts, COMMIT with its fsync) runs as one plain
function call on a dedicated thread that owns a synchronous connection, and the loop awaits one
future for it.

Implementation notes. Write jobs are coroutines written against ``AsyncConnection`` and use two
of its members only: ``execute`` and ``dialect``. :class:`ThreadConnection` offers those two over
the synchronous connection; its ``execute`` never suspends, so a job's coroutine runs to its end
in a single ``send`` (:func:`drive`) on the writer thread. A job that awaits anything else (a
sleep, another thread) cannot run there: :func:`drive` refuses it with
:class:`JobAwaitedOutsideStore` instead of blocking, and the batch fails like any failing job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, CursorResult, Dialect, Engine, Executable
from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")


class JobAwaitedOutsideStore(RuntimeError):
    """A write job awaited something other than the store; it must not run on the writer."""


class ThreadConnection:
    """The part of ``AsyncConnection`` that write jobs use, over a synchronous connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @property
    def dialect(self) -> Dialect:
        return self._connection.dialect

    async def execute(self, statement: Executable, parameters: Any = None) -> CursorResult[Any]:
        return self._connection.execute(statement, parameters)


def drive(awaitable: Awaitable[T]) -> T:
    """Run a coroutine that never suspends to its end, here and now; refuse one that does."""
    steps = awaitable.__await__()
    try:
        steps.send(None)
    except StopIteration as done:
        return cast(T, done.value)
    steps.close()
    raise JobAwaitedOutsideStore("a write job awaited something other than the store")


class WriterThread:
    """One thread, one synchronous engine (pool of one): every write transaction of SQLite."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._executor: ThreadPoolExecutor | None = None

    async def transaction(
        self, jobs: Sequence[Callable[[AsyncConnection], Awaitable[T]]]
    ) -> list[T]:
        """Run ``jobs`` in one transaction on the writer thread; returns after the commit."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mss-writer")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, jobs)

    def _run(self, jobs: Sequence[Callable[[AsyncConnection], Awaitable[T]]]) -> list[T]:
        with self._engine.begin() as connection:
            # Jobs are typed against AsyncConnection; ThreadConnection is the subset they use.
            bridge = cast(AsyncConnection, ThreadConnection(connection))
            return [drive(job(bridge)) for job in jobs]

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
