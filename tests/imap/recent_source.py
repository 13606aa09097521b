"""An in-memory stand-in for the store's \\Recent claims, for views tested without a database."""

from __future__ import annotations


class MemoryRecent:
    """What ``SqlStore.claim_recent`` / ``recent_claimed`` keep, in a dict."""

    def __init__(self) -> None:
        self.claims: dict[int, int] = {}

    async def claim_recent(self, mailbox_id: int, highest_uid: int) -> int:
        before = self.claims.get(mailbox_id, 0)
        self.claims[mailbox_id] = max(before, highest_uid)
        return before

    async def recent_claimed(self, mailbox_id: int) -> int:
        return self.claims.get(mailbox_id, 0)
