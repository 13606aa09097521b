"""Events per minute over the last quarter of an hour, kept in memory by the running server.

Why in memory: the store keeps no exact delivery time in clear (``mss/coarse.py`` moves each
copy's clear date by up to an hour, so a dump cannot link copies by time), so the recent rate can
only come from the process that delivered. Totals only: nothing here says to whom.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

MINUTES_KEPT = 15
MINUTE = 60


class PerMinute:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._buckets: deque[tuple[int, int]] = deque(maxlen=MINUTES_KEPT)
        """(minute since the epoch, count), oldest first."""

    def inc(self, amount: float = 1) -> None:
        minute = int(self._clock()) // MINUTE
        if self._buckets and self._buckets[-1][0] == minute:
            self._buckets[-1] = (minute, self._buckets[-1][1] + int(amount))
        else:
            self._buckets.append((minute, int(amount)))

    def recent(self) -> list[int]:
        """Counts per minute, the current minute first, :data:`MINUTES_KEPT` of them."""
        current = int(self._clock()) // MINUTE
        counts = [0] * MINUTES_KEPT
        for minute, count in self._buckets:
            ago = current - minute
            if 0 <= ago < MINUTES_KEPT:
                counts[ago] = count
        return counts
