"""SQLite's group commit runs each batch on the writer thread: one hand-off per batch, UIDs still
unique, changes still published after the commit, and a job that awaits anything else refused."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.delivery import deliver
from mss.runtime import Runtime
from mss.store.records import AccountKind
from mss.store.schema import domains
from mss.store.writer import WriteResult
from mss.store.writer_thread import JobAwaitedOutsideStore, WriterThread, drive
from support import sample_message

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def _account(runtime: Runtime) -> int:
    await runtime.store.add_domain("hopital.example")
    created = await runtime.accounts.create_account(
        "a@hopital.example", AccountKind.PROFESSIONAL, "correct horse battery"
    )
    return created.account.id


@SQLITE_ONLY
async def test_forty_concurrent_deliveries_share_hand_offs_to_the_writer_thread(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _account(runtime)
    account = await runtime.store.get_account("a@hopital.example")
    assert account is not None
    subscription = runtime.store.feed.subscribe(account.id)
    hand_offs: list[int] = []
    threads: set[str] = set()
    original = WriterThread.transaction

    async def counted(self: WriterThread, jobs: list[object]) -> list[object]:
        hand_offs.append(len(jobs))
        return await original(self, jobs)  # type: ignore[arg-type]

    monkeypatch.setattr(WriterThread, "transaction", counted)
    original_run = WriterThread._run

    def run(self: WriterThread, jobs: list[object]) -> list[object]:
        threads.add(threading.current_thread().name)
        return original_run(self, jobs)  # type: ignore[arg-type]

    monkeypatch.setattr(WriterThread, "_run", run)
    results = await asyncio.gather(
        *(deliver(runtime.store, account, "INBOX", sample_message(f"M{i}")) for i in range(40))
    )
    assert sorted(r.uid for r in results) == list(range(1, 41))
    # Each hand-off is a whole transaction of several appends (how many depends on timing).
    assert 1 <= len(hand_offs) <= 20, hand_offs
    assert all(name.startswith("mss-writer") for name in threads), threads
    announced = sorted(uid for change in subscription.pending() for uid in change.uids)
    assert announced == list(range(1, 41))


@SQLITE_ONLY
async def test_a_job_that_awaits_outside_the_store_fails_alone(runtime: Runtime) -> None:
    committer = runtime.store.committer

    async def sleeper(conn: AsyncConnection) -> WriteResult[int]:
        await asyncio.sleep(0)
        return WriteResult(1)

    async def reader(conn: AsyncConnection) -> WriteResult[int]:
        return WriteResult(len((await conn.execute(select(domains))).all()))

    bad, good = await asyncio.gather(
        committer.run(sleeper), committer.run(reader), return_exceptions=True
    )
    assert isinstance(bad, JobAwaitedOutsideStore)
    assert good == 0


def test_drive_returns_what_a_coroutine_that_never_suspends_returns() -> None:
    async def plain() -> int:
        return 7

    assert drive(plain()) == 7
