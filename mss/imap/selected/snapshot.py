"""One immutable index per mailbox, shared by every session that has it selected.

Implementation notes. A mailbox's index (UID, MODSEQ, flags, date, size of every message) is
metadata the store keeps in the clear; each session used to hold its own copy, ~450 bytes a
message, so a thousand idle clients on a 10,000-message INBOX held 4.5 GB of identical rows.
Here the index is read once per change of the mailbox and kept as compact columns (``array('q')``
and one tuple of interned flag sets); sessions keep only where their view differs
(``SelectedMailbox``).

Freshness is judged by MODSEQ, not by time: before reading the index a load reads the mailbox's
HIGHESTMODSEQ (``floor``); every change committed with a MODSEQ up to the floor is in the rows read
after it, since the counter and the change commit in one transaction. A caller asks for a snapshot
at least as new as the MODSEQ it was told about (``Change.modseq``) or, when it cannot know
(a lost notification, a change without MODSEQ), for ``FRESH``. A request joins a load that has
not sent its first query yet (it will see everything committed before the request), or one whose
floor is known to be high enough; otherwise it starts its own. So the sessions woken by one change
share one read, and cancelling one waiter never cancels the load for the others.
Snapshots are held weakly: one no session uses any more is freed with its last holder. They are
keyed by the mailbox's identity (id, account, UIDVALIDITY), and a load checks that identity before
and after reading, so an id reused by a re-created mailbox (SQLite may reuse row ids) never
serves one mailbox's rows for another's.
"""

from __future__ import annotations

import asyncio
import bisect
import weakref
from array import array
from collections.abc import Sequence
from typing import Protocol

from mss.store.records import Mailbox, MessageIndexEntry

# A request no existing snapshot or load can satisfy: only a load that starts after it.
FRESH = 2**63 - 1

Identity = tuple[int, int, int]


def identity(mailbox: Mailbox) -> Identity:
    """What tells one mailbox from another that later got the same row id."""
    return (mailbox.id, mailbox.account_id, mailbox.uidvalidity)


class IndexSource(Protocol):
    """What a snapshot is read from (the store)."""

    async def get_mailbox_by_id(self, mailbox_id: int) -> Mailbox | None:
        """The mailbox row, for its HIGHESTMODSEQ."""

    async def message_index(self, mailbox_id: int) -> list[MessageIndexEntry]:
        """Every message of the mailbox, in UID order."""


class IndexSnapshot:
    """A mailbox's messages in UID order, as columns; never changed once built."""

    __slots__ = ("__weakref__", "_keywords", "dates", "flags", "floor", "modseqs", "sizes", "uids")

    def __init__(self, floor: int, entries: Sequence[MessageIndexEntry]) -> None:
        self.floor = floor
        self.uids = array("q", [entry.uid for entry in entries])
        self.modseqs = array("q", [entry.modseq for entry in entries])
        # Interned by decode_flags: a handful of distinct sets, shared by every message.
        self.flags = tuple(entry.flags for entry in entries)
        self.dates = array("q", [entry.internal_date for entry in entries])
        self.sizes = array("q", [entry.size for entry in entries])
        self._keywords: frozenset[str] | None = None

    def position(self, uid: int) -> int | None:
        """The index of ``uid`` in the columns, or None when the mailbox does not hold it."""
        at = bisect.bisect_left(self.uids, uid)
        return at if at < len(self.uids) and self.uids[at] == uid else None

    def entry_at(self, at: int) -> MessageIndexEntry:
        """The row at index ``at``, built on demand (sessions keep no row objects)."""
        return MessageIndexEntry(
            self.uids[at], self.modseqs[at], self.flags[at], self.dates[at], self.sizes[at]
        )

    def all_flags(self) -> frozenset[str]:
        """Every flag some message carries (SELECT's FLAGS response), computed once."""
        if self._keywords is None:
            self._keywords = frozenset().union(*set(self.flags))
        return self._keywords


class _Load:
    """A load under way: ``started`` once its first query is sent, ``floor`` once answered."""

    __slots__ = ("floor", "started", "task")

    def __init__(self) -> None:
        self.started = False
        self.floor: int | None = None
        self.task: asyncio.Task[IndexSnapshot] | None = None

    def satisfies(self, at_least: int) -> bool:
        """Whether its result will hold every change up to ``at_least``."""
        return not self.started or (self.floor is not None and self.floor >= at_least)


class SnapshotCache:
    """Process-wide: the newest snapshot of each mailbox some session still holds."""

    def __init__(self) -> None:
        self._snapshots: weakref.WeakValueDictionary[Identity, IndexSnapshot] = (
            weakref.WeakValueDictionary()
        )
        self._loads: dict[Identity, _Load] = {}

    async def get(self, source: IndexSource, mailbox: Mailbox, at_least: int) -> IndexSnapshot:
        """A snapshot holding every change with MODSEQ up to ``at_least`` (``FRESH``: all
        committed before this call); empty once the mailbox is gone."""
        key = identity(mailbox)
        current = self._snapshots.get(key)
        if current is not None and current.floor >= at_least:
            return current
        load = self._loads.get(key)
        if load is None or not load.satisfies(at_least):
            load = _Load()
            load.task = asyncio.create_task(self._load(source, key, load))
            self._loads[key] = load
        if load.task is None:
            raise RuntimeError("load without a task")
        return await asyncio.shield(load.task)

    async def _load(self, source: IndexSource, key: Identity, load: _Load) -> IndexSnapshot:
        mailbox_id = key[0]
        try:
            load.started = True
            before = await source.get_mailbox_by_id(mailbox_id)
            load.floor = before.highestmodseq if before is not None else 0
            entries = await source.message_index(mailbox_id) if before is not None else []
            after = await source.get_mailbox_by_id(mailbox_id) if before is not None else None
            if before is None or after is None or key != identity(before) or key != identity(after):
                # Deleted (perhaps re-created under the same id): nothing of it is left, and
                # this empty index satisfies no later request.
                load.floor, entries = 0, []
            snapshot = IndexSnapshot(load.floor, entries)
        finally:
            if self._loads.get(key) is load:
                del self._loads[key]
        current = self._snapshots.get(key)
        if current is None or current.floor <= snapshot.floor:
            self._snapshots[key] = snapshot
        return snapshot
