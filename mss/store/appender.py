"""Appends that arrive together are written together.

Implementation notes. Concurrent deliveries (several SMTP sessions, a burst of APPENDs) each
ask for an append; the first one schedules a flush, which takes every append pending when it
starts and hands them to the committer as one job: one UID allocation per mailbox and two bulk
inserts. The taking happens on the event loop, never inside the job, because on SQLite jobs run
on the writer's thread while the loop keeps adding to the pending list. Appends that arrive while
a transaction is being written form the next flush, and the committer puts every job waiting
then into its next transaction, so they still share one commit. Each caller is answered only
after that transaction commits. If the batch fails, its appends are retried one by one so that
only the faulty one fails.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.message_sql import append_messages
from mss.store.records import Appended, NewMessage
from mss.store.writer import Committer, WriteResult

Pending = tuple[int, NewMessage, "asyncio.Future[Appended]"]


class AppendBatcher:
    def __init__(self, committer: Committer) -> None:
        self._committer = committer
        self._pending: list[Pending] = []
        self._scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()

    async def append(self, mailbox_id: int, message: NewMessage) -> Appended:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Appended] = loop.create_future()
        self._pending.append((mailbox_id, message, future))
        if not self._scheduled:
            self._scheduled = True
            task = loop.create_task(self._flush(), name="append-batch")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await future

    async def _flush(self) -> None:
        taken, self._pending = self._pending, []
        self._scheduled = False
        batch = [(mailbox_id, message) for mailbox_id, message, _ in taken]

        async def job(conn: AsyncConnection) -> WriteResult[list[Appended]]:
            appended, changes = await append_messages(conn, batch)
            return WriteResult(appended, changes)

        try:
            results = await self._committer.run(job)
        except Exception as error:
            if len(taken) == 1:
                _settle(taken[0][2], error=error)
                return
            for item in taken:
                await self._one(item)
            return
        for (_, _, future), appended in zip(taken, results, strict=True):
            _settle(future, appended)

    async def _one(self, item: Pending) -> None:
        mailbox_id, message, future = item

        async def job(conn: AsyncConnection) -> WriteResult[list[Appended]]:
            appended, changes = await append_messages(conn, [(mailbox_id, message)])
            return WriteResult(appended, changes)

        try:
            [appended] = await self._committer.run(job)
        except Exception as error:
            _settle(future, error=error)
        else:
            _settle(future, appended)


def _settle(
    future: asyncio.Future[Appended],
    result: Appended | None = None,
    error: BaseException | None = None,
) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    elif result is not None:
        future.set_result(result)
