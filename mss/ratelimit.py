"""Abuse limits shared by SMTP, IMAP and the webmail (in memory, per process).

Failed authentications are counted per client IP and per account name in a sliding window; an
unknown account counts exactly like a known one, so the limiter cannot be used to probe which
accounts exist. A fixed delay before each failure reply slows guessing further.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

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
    def __init__(self, per_ip: int, per_account: int, window: float, delay: float) -> None:
        self._ips = SlidingWindow(per_ip, window)
        self._accounts = SlidingWindow(per_account, window)
        self._delay = delay

    def blocked(self, ip: str, account: str) -> bool:
        return self._ips.exceeded(ip) or self._accounts.exceeded(account.lower())

    async def failed(self, ip: str, account: str) -> None:
        """Record a failure, then wait before the caller replies."""
        self._ips.record(ip)
        self._accounts.record(account.lower())
        if self._delay:
            await asyncio.sleep(self._delay)

    def succeeded(self, account: str) -> None:
        self._accounts.clear(account.lower())
