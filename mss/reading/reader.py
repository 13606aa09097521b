"""Reading a mailbox's messages for their owner: the one place stored rows become opened
summaries and contents (IMAP FETCH, SEARCH and SORT, and the webmail's lists, threads, search
and message view use it).

Implementation notes. A reader belongs to one session and one selected mailbox; it holds the
mailbox's index (mss/reading/index.py), shared with the other sessions of the same account on
the same store through :class:`IndexCache`. The first read loads and decrypts the stored index
in one query and one decryption; messages it lacks are read in batched queries and opened
(X25519) on the opening threads, then added. Contents are read one query per batch and
decrypted on the threads when the batch is large, so the event loop keeps serving other
sessions. ``save`` writes
the index back when it has grown or shrunk enough, under a generation check: a session that lost
the race merges the stored entries and tries once more; failing again, it leaves the write to a
later session (the index is a cache, never the truth).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Iterable, Sequence
from typing import Protocol

from crypto import AccountKeys, ContentKey, DecryptionError
from crypto.indexkey import index_key, open_index, seal_index
from mss.mailcrypto import open_content_key, open_content_of, open_summary
from mss.reading.index import IndexedMessage, MailboxIndex
from mss.reading.opening import run_on_threads
from mss.store.records import Mailbox, MessageIndexEntry, MessageRecord

# Rows read per query when opening messages the index lacks.
ROWS = 500
# Below this many octets, decryption runs on the event loop: a thread hop would cost more.
INLINE_OCTETS = 256 * 1024


class ReadingStore(Protocol):
    """What the read path needs of the store."""

    async def message_index(self, mailbox_id: int) -> list[MessageIndexEntry]: ...

    async def get_messages(self, mailbox_id: int, uids: Sequence[int]) -> list[MessageRecord]: ...

    async def get_contents(self, object_ids: Sequence[bytes]) -> dict[bytes, bytes]: ...

    async def read_mailbox_index(self, mailbox_id: int) -> tuple[int, bytes] | None: ...

    async def replace_mailbox_index(self, mailbox_id: int, generation: int, blob: bytes) -> bool:
        """Store ``blob`` if the stored index is still at ``generation`` (0: none)."""


IndexKey = tuple[int, int, int]


class IndexCache:
    """The indexes some reader of this process holds, shared by the sessions of one account."""

    def __init__(self) -> None:
        self._indexes: weakref.WeakValueDictionary[IndexKey, MailboxIndex] = (
            weakref.WeakValueDictionary()
        )
        self._locks: weakref.WeakValueDictionary[IndexKey, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def get(self, key: IndexKey) -> MailboxIndex | None:
        return self._indexes.get(key)

    def put(self, key: IndexKey, index: MailboxIndex) -> None:
        self._indexes[key] = index

    def lock(self, key: IndexKey) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock


_caches: weakref.WeakKeyDictionary[ReadingStore, IndexCache] = weakref.WeakKeyDictionary()


def cache_of(store: ReadingStore) -> IndexCache:
    """The cache of the sessions reading through ``store``: one per store, never shared by two
    databases (two stores may hold the same ids for different mailboxes)."""
    cache = _caches.get(store)
    if cache is None:
        cache = IndexCache()
        _caches[store] = cache
    return cache


def _open_rows(records: list[MessageRecord], keys: AccountKeys) -> list[tuple[int, IndexedMessage]]:
    """X25519-open each record's content key, then its summary."""
    opened = []
    for record in records:
        key = open_content_key(record, keys)
        opened.append(
            (record.uid, IndexedMessage(record.object_id, key, open_summary(record, key)))
        )
    return opened


def _open_contents(
    items: list[tuple[int, IndexedMessage, bytes]],
) -> list[tuple[int, bytes]]:
    return [
        (uid, open_content_of(message.object_id, message.key, blob)) for uid, message, blob in items
    ]


class MailboxReader:
    """One session's reading of one mailbox."""

    def __init__(
        self,
        store: ReadingStore,
        keys: AccountKeys,
        mailbox: Mailbox,
        cache: IndexCache | None = None,
    ) -> None:
        self._store = store
        self._keys = keys
        self._mailbox = mailbox
        self._cache = cache_of(store) if cache is None else cache
        self._key = (mailbox.account_id, mailbox.id, mailbox.uidvalidity)
        self._index: MailboxIndex | None = None

    def reads(self, mailbox: Mailbox) -> bool:
        """Whether this reader is for ``mailbox`` (the same, not a re-created one)."""
        return self._key == (mailbox.account_id, mailbox.id, mailbox.uidvalidity)

    def _seal_key(self) -> ContentKey:
        return index_key(self._keys)

    async def _stored(self) -> MailboxIndex:
        """The stored index, decrypted; an empty one when there is none or it does not open
        (another mailbox's or account's blob, or one from before a UIDVALIDITY change)."""
        row = await self._store.read_mailbox_index(self._mailbox.id)
        if row is None:
            return MailboxIndex(0, {})
        generation, blob = row
        account_id, mailbox_id, uidvalidity = self._key

        def decode() -> MailboxIndex:
            try:
                plaintext = open_index(self._seal_key(), blob, account_id, mailbox_id, uidvalidity)
            except DecryptionError:
                return MailboxIndex(generation, {})
            return MailboxIndex.decode(generation, plaintext)

        if len(blob) < INLINE_OCTETS:
            return decode()
        return await asyncio.get_running_loop().run_in_executor(None, decode)

    async def index(self) -> MailboxIndex:
        """The mailbox's index, loaded (once per process while some session holds it)."""
        if self._index is None:
            async with self._cache.lock(self._key):
                index = self._cache.get(self._key)
                if index is None:
                    index = await self._stored()
                    self._cache.put(self._key, index)
            self._index = index
        return self._index

    async def messages(self, uids: Sequence[int]) -> dict[int, IndexedMessage]:
        """The opened key and summary of each of ``uids`` still in the mailbox."""
        index = await self.index()
        missing = [uid for uid in uids if uid not in index.entries]
        for start in range(0, len(missing), ROWS):
            records = await self._store.get_messages(
                self._mailbox.id, missing[start : start + ROWS]
            )
            for uid, message in await run_on_threads(_open_rows, records, self._keys):
                index.add(uid, message)
        return {uid: index.entries[uid] for uid in uids if uid in index.entries}

    async def contents(self, uids: Sequence[int]) -> dict[int, tuple[IndexedMessage, bytes]]:
        """The opened summary and raw content of each of ``uids`` still in the mailbox; one
        content query, decrypted on the threads when large."""
        opened = await self.messages(uids)
        blobs = await self._store.get_contents([message.object_id for message in opened.values()])
        items = [
            (uid, message, blobs[message.object_id])
            for uid, message in opened.items()
            if message.object_id in blobs
        ]
        if sum(len(blob) for _, _, blob in items) < INLINE_OCTETS or len(items) < 2:
            raw = _open_contents(items)
        else:
            raw = await run_on_threads(_open_contents, items, inline_below=2)
        return {uid: (opened[uid], content) for uid, content in raw}

    async def save(self, live: Iterable[int]) -> None:
        """Write the index back if it is worth it; ``live`` are the mailbox's UIDs now."""
        index = self._index
        live = list(live)
        if index is None or not index.stale(live):
            return
        account_id, mailbox_id, uidvalidity = self._key
        for _ in range(2):
            generation = index.generation
            plaintext = index.encode(live)
            blob = await asyncio.get_running_loop().run_in_executor(
                None, seal_index, self._seal_key(), plaintext, account_id, mailbox_id, uidvalidity
            )
            if await self._store.replace_mailbox_index(mailbox_id, generation, blob):
                index.written(generation + 1)
                return
            index.merge(await self._stored())

    async def settle(self) -> None:
        """For a reader that lives for one request (the webmail), not beside a session's view:
        write the index back when this reader opened messages the stored copy lacked, taking the
        mailbox's UIDs from the store (read only then)."""
        if self._index is None or not self._index.added:
            return
        await self.save(entry.uid for entry in await self._store.message_index(self._mailbox.id))
