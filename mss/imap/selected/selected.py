"""The selected mailbox as one session sees it: its own sequence numbers, flags and recency.

Implementation notes. The store is shared; this view is not. Other sessions' changes reach it
only through ``sync``, which the session calls where RFC 3501 lets a server report them:
EXISTS and flag changes at the end of any command (§5.2), EXPUNGE only when no FETCH, STORE or
SEARCH is under way (§7.4.1). Until an expunge is reported its message keeps its number here,
so sequence numbers never shift behind the client's back. The change feed only marks the view
dirty (with the MODSEQ it announced); ``refresh`` then takes a snapshot of the index at least that
new, so a missed or merged notification can never leave the view wrong.

The rows themselves live in the mailbox's shared ``IndexSnapshot``; a view copies only what is
its own: its numbering while it still holds expunges it has not reported (otherwise it shares the
snapshot's UID column), the rows of those expunged messages, flag changes it made itself and has
not yet seen in a snapshot, and its \\Recent set.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable

from mss.imap.search.contexts import SearchContext
from mss.imap.selected.recent import RecentTracker
from mss.imap.selected.snapshot import FRESH, IndexSnapshot, IndexSource, SnapshotCache
from mss.imap.wire.codes import BAD
from mss.imap.wire.encode import flag_list, untagged
from mss.imap.wire.errors import CommandError
from mss.imap.wire.flags import RECENT
from mss.imap.wire.sequence import SequenceSet
from mss.store.records import FlagUpdate, Mailbox, MessageIndexEntry


class SelectedMailbox:
    """One session's numbering of one mailbox (RFC 3501 §2.3.1.2)."""

    def __init__(
        self,
        mailbox: Mailbox,
        snapshot: IndexSnapshot,
        *,
        readonly: bool,
        recent: RecentTracker,
        cache: SnapshotCache,
    ) -> None:
        self.mailbox = mailbox
        self.readonly = readonly
        self._snapshot = snapshot
        self._cache = cache
        # The snapshot's own column while this view numbers as it does; a copy otherwise.
        self.uids: array[int] = snapshot.uids
        # Rows that differ from the snapshot: expunged ones not reported yet, own flag changes.
        self._own: dict[int, MessageIndexEntry] = {}
        self._tracker = recent
        # Filled by ``claim_recent`` once the view exists (the claim is a store round trip).
        self.recent: set[int] = set()
        self.expunged: set[int] = set()
        self.changed: set[int] = set()
        # RFC 5182 §2.1: the UIDs of the last SEARCH ... RETURN (SAVE), empty at SELECT.
        self.saved: frozenset[int] = frozenset()
        # RFC 5267 §4.3: the searches kept up to date, by tag; they end with the selection.
        self.contexts: dict[str, SearchContext] = {}
        self.dirty = False
        # The MODSEQ the next refresh must at least see (FRESH: whatever is committed by then).
        self.wanted = 0
        self._reported_exists = len(self.uids)
        self._reported_recent = 0
        # The flags the client was told of by FLAGS (mss.imap.selected.keywords keeps it).
        self.announced: frozenset[str] = frozenset()

    async def claim_recent(self) -> None:
        """Take the messages no other session has seen yet (SELECT's ``* n RECENT``)."""
        self.recent = await self._tracker.claim(self.mailbox.id, self.uids, take=not self.readonly)
        self._reported_recent = len(self.recent)

    @property
    def exists(self) -> int:
        """The number of messages as the client counts them."""
        return len(self.uids)

    @property
    def largest_uid(self) -> int:
        """What ``*`` means in a UID set (RFC 3501 §6.4.8)."""
        return self.uids[-1] if self.uids else 0

    def seq_of(self, uid: int) -> int:
        """The sequence number of a UID in this view (UIDs ascend with sequence numbers)."""
        return bisect.bisect_left(self.uids, uid) + 1

    def entry(self, uid: int) -> MessageIndexEntry:
        """The row of a message in this view; KeyError for a UID it does not hold."""
        own = self._own.get(uid)
        if own is not None:
            return own
        at = self._snapshot.position(uid)
        if at is None:
            raise KeyError(uid)
        return self._snapshot.entry_at(at)

    def flags_of(self, uid: int) -> frozenset[str]:
        """The flags to report, \\Recent included for this session's recent messages."""
        flags = self.entry(uid).flags
        return flags | {RECENT} if uid in self.recent else flags

    def first_unseen(self, seen: str) -> int | None:
        """The sequence number of the first message without ``seen`` (SELECT's UNSEEN)."""
        if self.uids is self._snapshot.uids and not self._own:
            for seq, flags in enumerate(self._snapshot.flags, 1):
                if seen not in flags:
                    return seq
            return None
        for seq, uid in enumerate(self.uids, 1):
            if seen not in self.entry(uid).flags:
                return seq
        return None

    def keywords(self) -> frozenset[str]:
        """Every flag set on some message of the mailbox (SELECT's FLAGS response)."""
        return self._snapshot.all_flags().union(*(entry.flags for entry in self._own.values()))

    def resolve(self, numbers: SequenceSet, *, uid: bool) -> list[int]:
        """The UIDs a sequence set names, ascending, each once.

        RFC 3501 §6.4.8: UIDs that do not exist are ignored. RFC 3501 §9: a sequence number
        above the number of messages is an error; a range ending in "*" is not, so that
        ``1:*`` in an empty mailbox simply names nothing. RFC 5182 §2.1: "$" names the saved
        messages still in the mailbox, whether the command is a UID one or not.
        """
        if numbers.saved:
            return sorted(uid for uid in self.saved if self._holds(uid))
        if uid:
            found: list[int] = []
            for low, high in numbers.intervals(self.largest_uid):
                start = bisect.bisect_left(self.uids, low)
                found.extend(self.uids[start : bisect.bisect_right(self.uids, high)])
            return found
        for seq_range in numbers.ranges:
            explicit = None not in (seq_range.first, seq_range.last)
            if explicit and max(seq_range.bounds(self.exists)) > self.exists:
                raise CommandError(BAD, None, "Invalid message sequence number")
        return [self.uids[seq - 1] for seq in numbers.iter(self.exists)]

    def apply(self, updates: Iterable[FlagUpdate]) -> None:
        """Record flag changes this session made itself (it reports them in its own reply)."""
        for update in updates:
            try:
                entry = self.entry(update.uid)
            except KeyError:
                continue
            self._own[update.uid] = MessageIndexEntry(
                entry.uid, update.modseq, update.flags, entry.internal_date, entry.size
            )
            self.changed.discard(update.uid)
            # The next snapshot must hold this change, or the view would step back in time.
            self.wanted = max(self.wanted, update.modseq)

    def forget(self, uids: Iterable[int]) -> None:
        """Messages this session expunged; reported at the end of its command."""
        self.expunged.update(uid for uid in uids if self._holds(uid))

    def note(self, modseq: int) -> None:
        """A change of this mailbox was announced; ``modseq`` 0 when it carried none."""
        self.dirty = True
        self.wanted = max(self.wanted, modseq or FRESH)

    @staticmethod
    def _position(snapshot: IndexSnapshot, uid: int) -> int:
        """Where a row of this view is in the snapshot it came from (it must be there)."""
        at = snapshot.position(uid)
        if at is None:
            raise KeyError(uid)
        return at

    def _holds(self, uid: int) -> bool:
        at = bisect.bisect_left(self.uids, uid)
        return at < len(self.uids) and self.uids[at] == uid

    async def refresh(self, store: IndexSource) -> None:
        """Take a newer snapshot and note what changed, without reporting anything yet."""
        self.dirty = False
        wanted, self.wanted = self.wanted, 0
        fresh = await self._cache.get(store, self.mailbox, wanted)
        if fresh is self._snapshot:
            return
        old, mine = self._snapshot, self.uids
        known = len(mine)
        kept = len(fresh.uids) >= known and fresh.uids[:known] == mine
        aligned = mine is old.uids
        if not (kept and aligned and not self._own and fresh.modseqs[:known] == old.modseqs):
            # Something other than new arrivals: compare row by row (rare, and C-speed above).
            for at, uid in enumerate(mine):
                previous = self._own.pop(uid, None)
                if previous is None:
                    previous = old.entry_at(at if aligned else self._position(old, uid))
                position = at if kept else fresh.position(uid)
                if position is None:
                    self.expunged.add(uid)
                    self._own[uid] = previous  # numbered, with its row, until reported
                elif (previous.modseq, previous.flags) != (
                    fresh.modseqs[position],
                    fresh.flags[position],
                ):
                    self.changed.add(uid)
        self._snapshot = fresh
        added = fresh.uids[bisect.bisect_right(fresh.uids, self.largest_uid) :]
        self.uids = fresh.uids if kept else mine + added
        self.recent |= await self._tracker.claim(self.mailbox.id, added, take=not self.readonly)

    def report(self, *, allow_expunge: bool, qresync: bool, condstore: bool) -> list[bytes]:
        """Untagged responses for what changed since the last report, in a safe order."""
        lines: list[bytes] = []
        if allow_expunge and self.expunged:
            lines += self._report_expunges(qresync)
        if self.exists != self._reported_exists:
            lines.append(untagged(b"%d" % self.exists, b"EXISTS"))
            self._reported_exists = self.exists
        if len(self.recent) != self._reported_recent:
            lines.append(untagged(b"%d" % len(self.recent), b"RECENT"))
            self._reported_recent = len(self.recent)
        for uid in sorted(self.changed - self.expunged):
            lines.append(self.flags_response(uid, uid_item=True, condstore=condstore))
        self.changed &= self.expunged
        return lines

    def _report_expunges(self, qresync: bool) -> list[bytes]:
        """Report and forget the expunged messages; the view renumbers as the client does."""
        gone = sorted(self.expunged)
        if qresync:
            # RFC 7162 §3.2.10: once QRESYNC is enabled, VANISHED replaces EXPUNGE.
            lines = [untagged(b"VANISHED", SequenceSet.from_numbers(gone).to_bytes())]
        else:
            # RFC 3501 §7.4.1: each EXPUNGE renumbers the messages after it, so the highest
            # numbers go first and every number sent is still right when the client reads it.
            numbers = sorted((self.seq_of(uid) for uid in gone), reverse=True)
            lines = [untagged(b"%d" % seq, b"EXPUNGE") for seq in numbers]
        removed = set(gone)
        remaining = array("q", [uid for uid in self.uids if uid not in removed])
        # Back in step with the snapshot (the usual case): share its column again.
        self.uids = self._snapshot.uids if remaining == self._snapshot.uids else remaining
        for uid in gone:
            self._own.pop(uid, None)
        self.recent -= removed
        self.changed -= removed
        self.expunged.clear()
        self._reported_exists -= len(gone)
        self._reported_recent = len(self.recent)
        return lines

    def flags_response(self, uid: int, *, uid_item: bool, condstore: bool) -> bytes:
        """``* n FETCH (UID u FLAGS (...) MODSEQ (m))`` for one message.

        RFC 7162 §3.2.4: with QRESYNC unsolicited FETCH carries the UID; RFC 7162 §3.1.4:
        with CONDSTORE every FETCH with FLAGS also carries MODSEQ.
        """
        entry = self.entry(uid)
        items = b"UID %d " % uid if uid_item else b""
        items += b"FLAGS " + flag_list(sorted(self.flags_of(uid)))
        if condstore:
            items += b" MODSEQ (%d)" % entry.modseq
        return b"* %d FETCH (" % self.seq_of(uid) + items + b")\r\n"
