"""The one change feed: everything that pushes (IMAP IDLE, the webmail's websocket) reads it.

Changes are published only after the transaction that made them has committed, so a subscriber
that reacts by reading the store always finds what it was told about. Within one process the feed
is a fan-out of asyncio queues per account; across processes on PostgreSQL the same changes travel
through LISTEN/NOTIFY (``pgnotify.py``) and are fanned out the same way.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Literal

log = logging.getLogger(__name__)

ChangeKind = Literal["added", "flags", "expunged", "mailboxes", "credentials"]
"""``credentials``: the account's credential generation was bumped (mss/generations.py)."""
QUEUE_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class Change:
    """Something changed in one mailbox of one account (``mailbox_id`` 0: the mailbox list)."""

    kind: ChangeKind
    account_id: int
    mailbox_id: int
    uids: tuple[int, ...] = ()
    modseq: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Change:
        data = json.loads(text)
        return cls(
            kind=data["kind"],
            account_id=int(data["account_id"]),
            mailbox_id=int(data["mailbox_id"]),
            uids=tuple(int(uid) for uid in data["uids"]),
            modseq=int(data["modseq"]),
        )


class Subscription:
    """One subscriber's queue; a subscriber too slow to keep up is told it overflowed."""

    def __init__(self, feed: ChangeFeed, account_id: int) -> None:
        self._feed = feed
        self.account_id = account_id
        self._queue: asyncio.Queue[Change | None] = asyncio.Queue(QUEUE_LIMIT)
        self.overflowed = False

    def put(self, change: Change) -> None:
        try:
            self._queue.put_nowait(change)
        except asyncio.QueueFull:
            self.overflowed = True

    async def get(self) -> Change:
        item = await self._queue.get()
        if item is None:
            raise asyncio.CancelledError
        return item

    def pending(self) -> list[Change]:
        items: list[Change] = []
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is not None:
                items.append(item)
        return items

    async def __aiter__(self) -> AsyncIterator[Change]:
        while True:
            yield await self.get()

    def close(self) -> None:
        self._feed.unsubscribe(self)


class ChangeFeed:
    """In-process fan-out; :class:`mss.store.pgnotify.PostgresChangeFeed` adds other processes."""

    def __init__(self) -> None:
        self._subscribers: dict[int, set[Subscription]] = {}
        self._listeners: list[Callable[[Change], None]] = []

    def listen(self, listener: Callable[[Change], None]) -> None:
        """Call ``listener`` on every change of every account, before the subscribers (a cache
        that must drop an entry before any session reacts to the change)."""
        self._listeners.append(listener)

    def subscribe(self, account_id: int) -> Subscription:
        subscription = Subscription(self, account_id)
        self._subscribers.setdefault(account_id, set()).add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscribers = self._subscribers.get(subscription.account_id)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._subscribers[subscription.account_id]

    async def publish(self, changes: Iterable[Change]) -> None:
        """Called after commit; fans out locally (subclasses also tell other processes)."""
        self.dispatch(changes)

    def dispatch(self, changes: Iterable[Change]) -> None:
        for change in changes:
            for listener in self._listeners:
                listener(change)
            for subscription in self._subscribers.get(change.account_id, ()):
                subscription.put(change)

    async def start(self) -> None:
        """Nothing to start in process; see the PostgreSQL feed."""

    async def stop(self) -> None:
        """Nothing to stop in process; see the PostgreSQL feed."""
