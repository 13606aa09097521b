"""The session's own numbering of a mailbox, and what it reports when (RFC 3501 §5.2, §7.4.1)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from mss.imap.selected.recent import RecentTracker
from mss.imap.selected.selected import SelectedMailbox
from mss.imap.selected.snapshot import IndexSnapshot, SnapshotCache
from mss.imap.wire.errors import CommandError
from mss.imap.wire.grammar import Buffer
from mss.imap.wire.sequence import SequenceSet, sequence_set
from mss.store.records import Mailbox, MessageIndexEntry

from .recent_source import MemoryRecent


def entry(uid: int, modseq: int = 1, flags: frozenset[str] = frozenset()) -> MessageIndexEntry:
    return MessageIndexEntry(uid, modseq, flags, 0, 100)


def mailbox(uidnext: int, highestmodseq: int = 1) -> Mailbox:
    return Mailbox(1, 1, "INBOX", None, 7, uidnext, highestmodseq)


class Index:
    """A stand-in for the store's message index and mailbox row."""

    def __init__(self, entries: Sequence[MessageIndexEntry], highestmodseq: int = 1) -> None:
        self.entries = list(entries)
        self.highestmodseq = highestmodseq

    async def get_mailbox_by_id(self, mailbox_id: int) -> Mailbox | None:
        return mailbox(max((e.uid for e in self.entries), default=0) + 1, self.highestmodseq)

    async def message_index(self, mailbox_id: int) -> list[MessageIndexEntry]:
        return list(self.entries)


def view(
    uids: Sequence[int],
    tracker: RecentTracker | None = None,
    cache: SnapshotCache | None = None,
) -> SelectedMailbox:
    snapshot = IndexSnapshot(1, [entry(uid) for uid in uids])
    return SelectedMailbox(
        mailbox(max(uids, default=0) + 1),
        snapshot,
        readonly=False,
        recent=tracker or RecentTracker(MemoryRecent()),
        cache=cache or SnapshotCache(),
    )


def numbers(text: bytes) -> SequenceSet:
    return sequence_set(Buffer.from_line(text))[0]


def test_resolve_sequence_numbers_and_uids() -> None:
    selected = view([3, 5, 9, 12])
    assert selected.resolve(numbers(b"2:*"), uid=False) == [5, 9, 12]
    assert selected.resolve(numbers(b"4:10"), uid=True) == [5, 9]
    assert selected.resolve(numbers(b"*"), uid=True) == [12]
    assert selected.resolve(numbers(b"20:*"), uid=True) == [12]  # RFC 3501 §6.4.8
    with pytest.raises(CommandError, match="Invalid message sequence number"):
        selected.resolve(numbers(b"5"), uid=False)
    assert view([]).resolve(numbers(b"1:*"), uid=False) == []


async def test_expunges_wait_for_an_allowed_moment_and_go_highest_first() -> None:
    selected = view([1, 2, 3, 4])
    index = Index([entry(1), entry(3, modseq=5, flags=frozenset({"\\Seen"})), entry(5)], 5)
    selected.note(5)
    await selected.refresh(index)
    # During FETCH, STORE or SEARCH: the new message and the flag change, no expunge.
    assert selected.report(allow_expunge=False, qresync=False, condstore=False) == [
        b"* 5 EXISTS\r\n",
        b"* 1 RECENT\r\n",
        b"* 3 FETCH (UID 3 FLAGS (\\Seen))\r\n",
    ]
    assert selected.seq_of(3) == 3 and selected.exists == 5
    # Later: expunges, highest number first so each stays right as the client applies it.
    assert selected.report(allow_expunge=True, qresync=False, condstore=False) == [
        b"* 4 EXPUNGE\r\n",
        b"* 2 EXPUNGE\r\n",
    ]
    assert list(selected.uids) == [1, 3, 5] and selected.seq_of(5) == 3


async def test_vanished_replaces_expunge_under_qresync() -> None:
    selected = view([1, 2, 3, 4])
    selected.forget([2, 3])
    assert selected.report(allow_expunge=True, qresync=True, condstore=True) == [
        b"* VANISHED 2:3\r\n"
    ]


async def test_recent_belongs_to_one_session() -> None:
    # RFC 3501 §2.3.2: the first session told of a message has it as recent, no other does.
    tracker = RecentTracker(MemoryRecent())
    first = view([1, 2], tracker)
    await first.claim_recent()
    assert first.recent == {1, 2}
    second = view([1, 2], tracker)
    await second.claim_recent()
    assert second.recent == set()
    assert await tracker.claim(1, [1, 2, 3], take=False) == {3}  # EXAMINE looks, takes nothing
    assert await tracker.claim(1, [1, 2, 3], take=True) == {3}
    assert await tracker.claim(1, [1, 2, 3], take=True) == set()
    assert await tracker.count(1, uidnext=5) == 1
    assert await tracker.count(2, uidnext=5) == 4
