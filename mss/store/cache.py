"""A small time-bounded cache for lookups that every SMTP command repeats.

Domains, accounts and mailbox ids change rarely; caching them for a few seconds saves several
database round trips per message. Writes made through this process's store invalidate the cache
at once; a change made by another process (e.g. ``mss account add`` while ``mss serve`` runs) is
seen within :data:`TTL_SECONDS`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
TTL_SECONDS = 5.0
MAX_ENTRIES = 50_000


class TtlCache(Generic[K, V]):
    def __init__(self, ttl: float = TTL_SECONDS, size: int = MAX_ENTRIES) -> None:
        self._ttl = ttl
        self._size = size
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> tuple[bool, V | None]:
        """(found, value): a cached None is a found entry (the thing does not exist)."""
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            self._entries.pop(key, None)
            return False, None
        return True, entry[1]

    def put(self, key: K, value: V) -> None:
        self._entries[key] = (time.monotonic() + self._ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
