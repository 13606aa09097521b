"""Credential generations shared by processes (issue 13, item 3), with a clock the test holds:
two runtimes over one database stand for two server processes. What each test kills is named
in its docstring."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from mss.accounts import UnlockedAccount
from mss.generations import CACHE_SECONDS, CredentialGenerations
from mss.ratelimit import AuthThrottle
from mss.runtime import Runtime
from mss.signin import Channel, SignInService
from mss.store.generation_sql import SqlGenerationStore
from mss.store.records import AccountKind

PASSWORD = "correct horse battery"
ADDRESS = "dr@hopital.example"


class Clock:
    """Stands still unless the test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class NoSecondFactor:
    async def enabled(self, account_id: int) -> bool:
        return False


def held_clock_signin(runtime: Runtime, clock: Clock) -> SignInService:
    """The sign-in of ``runtime``'s process, with its generation cache on ``clock``."""
    generations = CredentialGenerations(
        SqlGenerationStore(runtime.database, runtime.store.committer), runtime.feed, clock
    )
    throttle = AuthThrottle(per_ip=100, per_account=100, window=600, delay=0.0, clock=clock)
    return SignInService(runtime.accounts, throttle, NoSecondFactor(), generations)


@pytest.fixture
async def owner(runtime: Runtime) -> UnlockedAccount:
    await runtime.store.add_domain("hopital.example")
    await runtime.accounts.create_account(ADDRESS, AccountKind.PROFESSIONAL, PASSWORD)
    return await runtime.signin.sign_in(ADDRESS, PASSWORD, "192.0.2.1", Channel.IMAP)


@pytest.fixture
async def other(runtime: Runtime) -> AsyncIterator[Runtime]:
    second = await Runtime.open(runtime.settings)
    try:
        yield second
    finally:
        await second.close()


async def test_a_bump_is_seen_by_another_process_within_the_cache_life(
    runtime: Runtime, owner: UnlockedAccount, other: Runtime
) -> None:
    """Kills: the counter kept in memory (the other process would never see the bump)."""
    clock = Clock()
    there = held_clock_signin(other, clock)
    seen = await there.sign_in(ADDRESS, PASSWORD, "192.0.2.2", Channel.IMAP)
    assert await there.still_valid(seen)
    await runtime.signin.end_sessions(owner)
    clock.now += CACHE_SECONDS
    assert not await there.still_valid(seen)


async def test_a_sign_in_reads_past_a_stale_cache(
    runtime: Runtime, owner: UnlockedAccount, other: Runtime
) -> None:
    """Kills: a sign-in taking its generation from the cache. On SQLite nothing tells the other
    process of the bump, so its cache still holds the old generation; a session opened there
    right after must record the new one, or it would be ended by the bump made before it."""
    clock = Clock()
    there = held_clock_signin(other, clock)
    await there.still_valid(await there.sign_in(ADDRESS, PASSWORD, "192.0.2.2", Channel.IMAP))
    current = await runtime.signin.end_sessions(owner)
    opened_after = await there.sign_in(ADDRESS, PASSWORD, "192.0.2.2", Channel.IMAP)
    assert opened_after.generation == current.generation
    clock.now += CACHE_SECONDS
    assert await there.still_valid(opened_after)


async def test_on_postgresql_the_feed_drops_the_cache_at_once(
    runtime: Runtime, owner: UnlockedAccount, other: Runtime
) -> None:
    """Kills: the feed listener (the other process would wait out its cache). The clock stands
    still, so only the NOTIFY can make the other process see the bump."""
    if not runtime.database.is_postgres:
        pytest.skip("SQLite has no change feed between processes")
    clock = Clock()
    there = held_clock_signin(other, clock)
    seen = await there.sign_in(ADDRESS, PASSWORD, "192.0.2.2", Channel.IMAP)
    assert await there.still_valid(seen)
    await runtime.signin.end_sessions(owner)
    for _ in range(100):
        if not await there.still_valid(seen):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the bump never reached the other process's cache")


async def test_a_sign_in_racing_the_bump_records_the_generation_before_it(
    runtime: Runtime, owner: UnlockedAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kills: reading the generation after the secret is checked. The thief's credential is
    checked just before the owner revokes it and bumps; the thief's session must still end."""
    checked, bumped = asyncio.Event(), asyncio.Event()
    authenticate = runtime.accounts.authenticate

    async def slow_authenticate(address: str, secret: str) -> UnlockedAccount:
        unlocked = await authenticate(address, secret)
        checked.set()
        await bumped.wait()
        return unlocked

    monkeypatch.setattr(runtime.accounts, "authenticate", slow_authenticate)
    thief = asyncio.create_task(
        runtime.signin.sign_in(ADDRESS, PASSWORD, "198.51.100.7", Channel.IMAP)
    )
    await asyncio.wait_for(checked.wait(), 10)
    await runtime.signin.end_sessions(owner)
    bumped.set()
    assert not await runtime.signin.still_valid(await thief)
