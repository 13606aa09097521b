"""The throttle and the one sign-in with a clock the test moves (issue 18): windows slide, each
count blocks only what it should, a success clears only its own source's count for the account,
and the second-factor refusal is logged with who and where."""

from __future__ import annotations

import asyncio
import logging

import pytest

from mss.accounts import AuthenticationFailed
from mss.ratelimit import MAX_TRACKED_KEYS, AuthThrottle, SlidingWindow
from mss.runtime import Runtime
from mss.signin import Channel, SignInService, Throttled
from mss.store.records import AccountKind

PASSWORD = "correct horse battery"
ADDRESS = "dr@hopital.example"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sliding_window_forgets_events_older_than_the_window() -> None:
    clock = Clock()
    window = SlidingWindow(2, 60, clock)
    assert window.count("k") == 0 and not window.exceeded("k")
    window.record("k")
    clock.now += 30
    window.record("k")
    assert window.count("k") == 2 and window.exceeded("k")
    clock.now += 30  # the first event is exactly one window old: gone
    assert window.count("k") == 1 and not window.exceeded("k")
    clock.now += 29.5
    assert window.count("k") == 1
    clock.now += 0.5
    assert window.count("k") == 0
    window.record("k")
    window.clear("k")
    assert window.count("k") == 0
    window.clear("never seen")


def test_sliding_window_tracks_a_bounded_number_of_keys() -> None:
    window = SlidingWindow(1, 60, Clock())
    for n in range(MAX_TRACKED_KEYS + 1):
        window.record(str(n))
    assert window.count("0") == 0, "the oldest key made room"
    assert window.count("1") == 1 and window.count(str(MAX_TRACKED_KEYS)) == 1


async def test_throttle_counts_per_source_and_per_source_and_account() -> None:
    clock = Clock()
    throttle = AuthThrottle(per_ip=4, per_account=2, window=60, delay=0.0, clock=clock)
    await throttle.failed("192.0.2.1", "A@example.org")
    assert not throttle.blocked("192.0.2.1", "a@example.org")
    await throttle.failed("192.0.2.1", "a@example.org")
    assert throttle.blocked("192.0.2.1", "a@example.org"), "account names compare without case"
    assert not throttle.blocked("192.0.2.1", "b@example.org")
    await throttle.failed("192.0.2.1", "b@example.org")
    assert not throttle.blocked("192.0.2.1", "c@example.org")
    await throttle.failed("192.0.2.1", "c@example.org")
    assert throttle.blocked("192.0.2.1", "d@example.org"), "four failures block the source"
    assert not throttle.blocked("192.0.2.2", "a@example.org")
    clock.now += 60
    assert not throttle.blocked("192.0.2.1", "a@example.org"), "the window has slid"


async def test_failures_wait_the_delay() -> None:
    throttle = AuthThrottle(per_ip=10, per_account=10, window=60, delay=0.05, clock=Clock())
    loop_time = asyncio.get_running_loop().time
    started = loop_time()
    await throttle.failed("192.0.2.1", "a@example.org")
    assert loop_time() - started >= 0.05


async def _service(runtime: Runtime, throttle: AuthThrottle) -> SignInService:
    await runtime.store.add_domain("hopital.example")
    await runtime.accounts.create_account(ADDRESS, AccountKind.PROFESSIONAL, PASSWORD)

    class NoSecondFactor:
        async def enabled(self, account_id: int) -> bool:
            return False

    return SignInService(runtime.accounts, throttle, NoSecondFactor(), runtime.signin.generations)


async def test_a_success_clears_only_its_own_source(runtime: Runtime) -> None:
    throttle = AuthThrottle(per_ip=100, per_account=3, window=600, delay=0.0, clock=Clock())
    signin = await _service(runtime, throttle)
    for peer in ("192.0.2.1", "192.0.2.2"):
        for _ in range(2):
            with pytest.raises(AuthenticationFailed):
                await signin.sign_in(ADDRESS, "wrong password", peer, Channel.IMAP)
    await signin.sign_in(ADDRESS, PASSWORD, "192.0.2.1", Channel.IMAP)
    for _ in range(2):
        with pytest.raises(AuthenticationFailed) as failed:
            await signin.sign_in(ADDRESS, "wrong password", "192.0.2.1", Channel.IMAP)
        assert not isinstance(failed.value, Throttled), "192.0.2.1's count was cleared"
    with pytest.raises(AuthenticationFailed) as failed:
        await signin.sign_in(ADDRESS, "wrong password", "192.0.2.2", Channel.IMAP)
    assert not isinstance(failed.value, Throttled)
    with pytest.raises(Throttled):
        await signin.sign_in(ADDRESS, PASSWORD, "192.0.2.2", Channel.IMAP)
    assert signin.throttle is throttle


async def test_second_factor_refusal_is_logged(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    throttle = AuthThrottle(per_ip=100, per_account=100, window=600, delay=0.0, clock=Clock())
    signin = await _service(runtime, throttle)

    class Totp:
        async def enabled(self, account_id: int) -> bool:
            return True

    signin = SignInService(runtime.accounts, throttle, Totp(), runtime.signin.generations)
    with caplog.at_level(logging.INFO, logger="mss.signin"), pytest.raises(AuthenticationFailed):
        await signin.sign_in(ADDRESS, PASSWORD, "192.0.2.1", Channel.SMTP)
    assert [r.getMessage() for r in caplog.records if r.name == "mss.signin"] == [
        f"{ADDRESS}: password refused on smtp: the account uses a second factor"
    ]
    unlocked = await signin.sign_in(ADDRESS, PASSWORD, "192.0.2.1", Channel.WEB)
    assert unlocked.account.address == ADDRESS


async def test_failure_delay_doubles_with_failures_for_the_account_within_the_window() -> None:
    clock = Clock()
    throttle = AuthThrottle(per_ip=100, per_account=1, window=60, delay=0.001, clock=clock)
    assert throttle.failure_delay("a@example.org") == 0.001
    await throttle.failed("192.0.2.1", "A@Example.org")
    assert throttle.failure_delay("a@example.org") == 0.002, "every failure doubles at limit 1"
    await throttle.failed("192.0.2.2", "a@example.org")
    assert throttle.failure_delay("A@EXAMPLE.ORG") == 0.004
    clock.now += 60
    assert throttle.failure_delay("a@example.org") == 0.001, "the account's window slides too"
