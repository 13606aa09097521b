"""The selected mailbox as one session sees it: its own sequence numbers, flags and recency.

Implementation notes. The store is shared; this view is not. Other sessions' changes reach it
only through ``sync``, which the session calls where RFC 3501 lets a server report them:
EXISTS and flag changes at the end of any command (§5.2), EXPUNGE only when no FETCH, STORE or
SEARCH is under way (§7.4.1). Until an expunge is reported its message keeps its number here,
so sequence numbers never shift behind the client's back. The change feed only marks the view
dirty; ``sync`` then re-reads the mailbox index, so a missed or merged notification can never
leave the view wrong.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Protocol

from mss.imap.codes import BAD
from mss.imap.encode import flag_list, untagged
from mss.imap.errors import CommandError
from mss.imap.flags import RECENT
from mss.imap.recent import RecentTracker
from mss.imap.sequence import SequenceSet
from mss.store.records import FlagUpdate, Mailbox, MessageIndexEntry


class IndexSource(Protocol):
    """The one thing a view asks of the store."""

    async def message_index(self, mailbox_id: int) -> list[MessageIndexEntry]:
        """Every message of the mailbox, in UID order."""


class SelectedMailbox:
    """One session's numbering of one mailbox (RFC 3501 §2.3.1.2)."""

    def __init__(
        self,
        mailbox: Mailbox,
        entries: list[MessageIndexEntry],
        *,
        readonly: bool,
        recent: RecentTracker,
    ) -> None:
        self.mailbox = mailbox
        self.readonly = readonly
        self.uids = [entry.uid for entry in entries]
        self.entries = {entry.uid: entry for entry in entries}
        self._tracker = recent
        self.recent = recent.claim(mailbox.id, self.uids, take=not readonly)
        self.expunged: set[int] = set()
        self.changed: set[int] = set()
        self.dirty = False
        self._reported_exists = len(self.uids)
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

    def flags_of(self, uid: int) -> frozenset[str]:
        """The flags to report, \\Recent included for this session's recent messages."""
        flags = self.entries[uid].flags
        return flags | {RECENT} if uid in self.recent else flags

    def resolve(self, numbers: SequenceSet, *, uid: bool) -> list[int]:
        """The UIDs a sequence set names, ascending, each once.

        RFC 3501 §6.4.8: UIDs that do not exist are ignored. RFC 3501 §9: a sequence number
        above the number of messages is an error; a range ending in "*" is not, so that
        ``1:*`` in an empty mailbox simply names nothing.
        """
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
            entry = self.entries.get(update.uid)
            if entry is not None:
                self.entries[update.uid] = MessageIndexEntry(
                    entry.uid, update.modseq, update.flags, entry.internal_date, entry.size
                )
                self.changed.discard(update.uid)

    def forget(self, uids: Iterable[int]) -> None:
        """Messages this session expunged; reported at the end of its command."""
        self.expunged.update(uid for uid in uids if uid in self.entries)

    async def refresh(self, store: IndexSource) -> None:
        """Re-read the index and note what changed, without reporting anything yet."""
        self.dirty = False
        fresh = await store.message_index(self.mailbox.id)
        seen = {entry.uid for entry in fresh}
        self.expunged.update(uid for uid in self.uids if uid not in seen)
        known = self.largest_uid
        added = [entry.uid for entry in fresh if entry.uid > known]
        for entry in fresh:
            old = self.entries.get(entry.uid)
            if old is not None and (old.modseq != entry.modseq or old.flags != entry.flags):
                self.changed.add(entry.uid)
            self.entries[entry.uid] = entry
        self.uids.extend(added)
        self.recent |= self._tracker.claim(self.mailbox.id, added, take=not self.readonly)

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
        self.uids = [uid for uid in self.uids if uid not in removed]
        for uid in gone:
            del self.entries[uid]
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
        entry = self.entries[uid]
        items = b"UID %d " % uid if uid_item else b""
        items += b"FLAGS " + flag_list(sorted(self.flags_of(uid)))
        if condstore:
            items += b" MODSEQ (%d)" % entry.modseq
        return b"* %d FETCH (" % self.seq_of(uid) + items + b")\r\n"
