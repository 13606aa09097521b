"""Group commit: every write of the store goes through one :class:`Committer`.

Implementation notes. Jobs queue up while a transaction is being written; the committer takes all
that are waiting (up to :data:`MAX_BATCH`), runs them in one transaction, commits once (one fsync
for the batch), and only then resolves each caller and publishes the batch's changes. If any job
fails, the batch is rolled back and each job re-run alone, so one bad job fails only its caller.
On SQLite this is also what keeps to the single-writer rule inside a process, and there the
whole transaction runs on the writer's own thread (``writer_thread.py``): the event loop awaits
one future per batch, not one per statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from mss.store.changes import Change, ChangeFeed
from mss.store.writer_thread import WriterThread

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_BATCH = 128


@dataclass(slots=True)
class WriteResult(Generic[T]):
    value: T
    changes: list[Change] = field(default_factory=list)


Job = Callable[[AsyncConnection], Awaitable[WriteResult[Any]]]


@dataclass(slots=True)
class _Pending:
    job: Job
    future: asyncio.Future[Any]


class Committer:
    def __init__(
        self, engine: AsyncEngine, feed: ChangeFeed, thread_engine: Engine | None = None
    ) -> None:
        self._engine = engine
        self._feed = feed
        self._thread = WriterThread(thread_engine) if thread_engine is not None else None
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def run(self, job: Callable[[AsyncConnection], Awaitable[WriteResult[T]]]) -> T:
        """Run ``job`` in a committed transaction; returns after the commit is durable."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="committer")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Pending(job, future))
        return await future

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._thread is not None:
            await asyncio.to_thread(self._thread.close)

    async def _loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            batch = [item for item in batch if not item.future.cancelled()]
            if batch:
                await self._commit(batch)

    async def _commit(self, batch: list[_Pending]) -> None:
        try:
            results = await self._transaction(batch)
        except Exception as error:
            if len(batch) == 1:
                self._fail(batch[0], error)
                return
            # Isolate the failing job: each one alone, so only its caller sees the error.
            for item in batch:
                await self._commit([item])
            return
        changes = [change for result in results for change in result.changes]
        for item, result in zip(batch, results, strict=True):
            if not item.future.done():
                item.future.set_result(result.value)
        if changes:
            try:
                await self._feed.publish(changes)
            except Exception:
                log.exception("publishing %d changes failed", len(changes))

    async def _transaction(self, batch: list[_Pending]) -> list[WriteResult[Any]]:
        if self._thread is not None:
            return await self._thread.transaction([item.job for item in batch])
        async with self._engine.begin() as connection:
            return [await item.job(connection) for item in batch]

    @staticmethod
    def _fail(item: _Pending, error: BaseException) -> None:
        if not item.future.done():
            item.future.set_exception(error)
