"""Sessions of one mailbox share one index snapshot, read once per change."""

from __future__ import annotations

import asyncio
import dataclasses

from mss.imap.selected.recent import RecentTracker
from mss.imap.selected.selected import SelectedMailbox
from mss.imap.selected.snapshot import FRESH, SnapshotCache
from mss.store.records import Mailbox, MessageIndexEntry

from .recent_source import MemoryRecent

BOX = Mailbox(1, 1, "INBOX", None, 7, 10, 1)


def entry(uid: int, modseq: int = 1, flags: frozenset[str] = frozenset()) -> MessageIndexEntry:
    return MessageIndexEntry(uid, modseq, flags, 0, 100)


class Store:
    """The mailbox row and index, with a count of index reads."""

    def __init__(self, entries: list[MessageIndexEntry], highestmodseq: int = 1) -> None:
        self.entries = entries
        self.mailbox: Mailbox | None = dataclasses.replace(BOX, highestmodseq=highestmodseq)
        self.reads = 0

    async def get_mailbox_by_id(self, mailbox_id: int) -> Mailbox | None:
        return self.mailbox

    async def message_index(self, mailbox_id: int) -> list[MessageIndexEntry]:
        self.reads += 1
        await asyncio.sleep(0)
        return list(self.entries)

    def change(self, entries: list[MessageIndexEntry], modseq: int) -> None:
        self.entries = entries
        assert self.mailbox is not None
        self.mailbox = dataclasses.replace(self.mailbox, highestmodseq=modseq)


async def views(store: Store, count: int) -> tuple[SnapshotCache, list[SelectedMailbox]]:
    cache, tracker = SnapshotCache(), RecentTracker(MemoryRecent())
    selected = []
    for _ in range(count):
        snapshot = await cache.get(store, BOX, 1)
        selected.append(SelectedMailbox(BOX, snapshot, readonly=False, recent=tracker, cache=cache))
    return cache, selected


async def test_sessions_share_one_read_per_change() -> None:
    store = Store([entry(1), entry(2)])
    _, selected = await views(store, 5)
    assert store.reads == 1
    assert all(view.uids is selected[0].uids for view in selected)
    store.change([entry(1), entry(2, modseq=3, flags=frozenset({"\\Seen"})), entry(3, 3)], 3)
    for view in selected:
        view.note(3)
    await asyncio.gather(*(view.refresh(store) for view in selected))
    assert store.reads == 2
    for view in selected:
        assert list(view.uids) == [1, 2, 3] and view.changed == {2}
        assert view.uids is selected[0].uids


async def test_an_unreported_expunge_keeps_its_number_in_that_view_only() -> None:
    store = Store([entry(1), entry(2), entry(3)])
    _, (first, second) = await views(store, 2)
    store.change([entry(1), entry(3)], 4)
    first.note(4)
    await first.refresh(store)
    # No EXPUNGE may be sent yet (RFC 3501 §7.4.1): message 2 keeps its number and its row.
    assert list(first.uids) == [1, 2, 3] and first.expunged == {2}
    assert first.entry(2).uid == 2 and first.seq_of(3) == 3
    assert list(second.uids) == [1, 2, 3] and second.expunged == set()
    assert first.report(allow_expunge=True, qresync=False, condstore=False) == [b"* 2 EXPUNGE\r\n"]
    assert first.uids is first._snapshot.uids  # back to sharing the snapshot's column


async def test_a_recreated_mailbox_never_gets_the_old_rows() -> None:
    store = Store([entry(1), entry(2)], highestmodseq=9)
    cache = SnapshotCache()
    old = await cache.get(store, BOX, 1)
    assert len(old.uids) == 2
    # Same row id, another UIDVALIDITY (or account): the held snapshot is not reused.
    store.entries, store.mailbox = [], dataclasses.replace(BOX, uidvalidity=8, highestmodseq=1)
    recreated = await cache.get(store, store.mailbox, 1)
    assert len(recreated.uids) == 0
    # And the old identity, asked again, finds its mailbox gone.
    gone = await cache.get(store, BOX, FRESH)
    assert len(gone.uids) == 0 and gone.floor == 0
