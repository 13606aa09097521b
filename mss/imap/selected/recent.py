"""The \\Recent flag (RFC 3501 §2.3.2): a message is recent in exactly one session.

The first session to learn of a new message takes it as recent; every other session, in this
process or another, sees it as old. The claim is a number per mailbox in the store (the highest
UID taken), moved forward atomically, so it holds across processes and restarts. EXAMINE looks
without taking (RFC 3501 §6.3.2).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Protocol


class RecentSource(Protocol):
    """The store's side of the claim (``mss.store.interfaces.MailboxStore``)."""

    async def claim_recent(self, mailbox_id: int, highest_uid: int) -> int: ...

    async def recent_claimed(self, mailbox_id: int) -> int: ...


class RecentTracker:
    """Takes and counts recent messages through the store."""

    def __init__(self, source: RecentSource) -> None:
        self._source = source

    async def claim(self, mailbox_id: int, uids: Sequence[int], *, take: bool) -> set[int]:
        """The UIDs among ``uids`` (ascending) that are recent for the caller; ``take`` makes
        them its own, so that no other session sees them as recent."""
        if not uids:
            return set()
        if take:
            before = await self._source.claim_recent(mailbox_id, uids[-1])
        else:
            before = await self._source.recent_claimed(mailbox_id)
        return set(uids[bisect.bisect_right(uids, before) :])

    async def count(self, mailbox_id: int, uidnext: int) -> int:
        """STATUS RECENT (RFC 3501 §6.3.10): the messages no session has taken yet."""
        return max(0, uidnext - 1 - await self._source.recent_claimed(mailbox_id))
