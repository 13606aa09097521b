"""The \\Recent flag (RFC 3501 §2.3.2): a message is recent in exactly one session.

The first session to learn of a new message takes it as recent; every other session sees it as
old. The store keeps no such state, so this tracker lives in the server process: after a
restart, or in another process, messages already there count as seen. That is the reading RFC
3501 allows ("the server ... may not be able to determine" recency) and the one IMAP4rev2
(RFC 9051 §2.3.2) settles on by dropping the flag altogether.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence


class RecentTracker:
    """Per mailbox, the highest UID some session has already taken as recent."""

    def __init__(self) -> None:
        self._claimed: dict[int, int] = {}

    def claim(self, mailbox_id: int, uids: Sequence[int], *, take: bool) -> set[int]:
        """The UIDs among ``uids`` (ascending) that are recent for the caller; ``take`` makes
        them its own.

        A mailbox this process has not seen before has no recent message: its current UIDs
        become the baseline. EXAMINE looks without taking (RFC 3501 §6.3.2).
        """
        claimed = self._claimed.setdefault(mailbox_id, uids[-1] if uids else 0)
        recent = set(uids[bisect.bisect_right(uids, claimed) :])
        if take and recent:
            self._claimed[mailbox_id] = max(recent)
        return recent

    def count(self, mailbox_id: int, uidnext: int) -> int:
        """STATUS RECENT: messages no session has taken yet (0 for an unseen mailbox)."""
        claimed = self._claimed.get(mailbox_id)
        return 0 if claimed is None else max(0, uidnext - 1 - claimed)
