"""Abuse limits shared by SMTP, IMAP and the webmail (in memory, per process).

Failed authentications are counted per client IP, per (IP, account name) and per account name in
sliding windows; an unknown account counts exactly like a known one, so the limiter cannot be
used to probe which accounts exist. :class:`AuthThrottle` says how each count is used.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

from mss.metrics.tally import NO_TALLY, Tally

MAX_TRACKED_KEYS = 100_000


class SlidingWindow:
    """Events per key within the last ``window`` seconds."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = {}

    def count(self, key: str) -> int:
        events = self._events.get(key)
        if events is None:
            return 0
        horizon = self._clock() - self.window
        while events and events[0] <= horizon:
            events.popleft()
        if not events:
            del self._events[key]
            return 0
        return len(events)

    def exceeded(self, key: str) -> bool:
        return self.count(key) >= self.limit

    def record(self, key: str) -> None:
        if len(self._events) >= MAX_TRACKED_KEYS:
            self._events.pop(next(iter(self._events)))
        self._events.setdefault(key, deque()).append(self._clock())

    def clear(self, key: str) -> None:
        self._events.pop(key, None)


class AuthThrottle:
    """Failures block a source, and a source guessing one account, but never the account.

    A hard account-wide block would let anyone lock the owner out with a few wrong passwords
    from anywhere. Instead: a source that fails ``per_ip`` times in the window is blocked; a
    source that fails ``per_account`` times for one account is blocked for that account; and
    every failure reply for an account waits longer as failures for it pile up from any
    source (doubling each ``per_account`` failures, at most 32 times the base delay), which
    slows a distributed guess without ever delaying the owner's correct password.
    """

    MAX_DOUBLINGS = 5

    def __init__(
        self,
        per_ip: int,
        per_account: int,
        window: float,
        delay: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        failures: Tally = NO_TALLY,
        refusals: Tally = NO_TALLY,
    ) -> None:
        self._ips = SlidingWindow(per_ip, window, clock)
        self._pairs = SlidingWindow(per_account, window, clock)
        self._accounts = SlidingWindow(per_account, window, clock)
        self._delay = delay
        self._failures = failures
        self._refusals = refusals

    @staticmethod
    def _pair(ip: str, account: str) -> str:
        return f"{ip}\0{account.lower()}"

    def blocked(self, ip: str, account: str) -> bool:
        """Whether to refuse this attempt untried; each refusal is counted for the operator."""
        refused = self._ips.exceeded(ip) or self._pairs.exceeded(self._pair(ip, account))
        if refused:
            self._refusals.inc()
        return refused

    def failure_delay(self, account: str) -> float:
        doublings = self._accounts.count(account.lower()) // max(self._accounts.limit, 1)
        return float(self._delay * 2 ** min(doublings, self.MAX_DOUBLINGS))

    async def failed(self, ip: str, account: str) -> None:
        """Record a failure, then wait before the caller replies."""
        self._failures.inc()
        self._ips.record(ip)
        self._pairs.record(self._pair(ip, account))
        self._accounts.record(account.lower())
        delay = self.failure_delay(account)
        if delay:
            await asyncio.sleep(delay)

    def succeeded(self, ip: str, account: str) -> None:
        self._pairs.clear(self._pair(ip, account))
