"""Search contexts kept up to date (RFC 5267 §4.3, CONTEXT=SEARCH).

A ``SEARCH RETURN (UPDATE ...)`` leaves its key with the selected mailbox; whenever the session
reports changes, the search is run again and the difference sent as unsolicited ESEARCH
``ADDTO`` / ``REMOVEFROM`` responses, until CANCELUPDATE or the mailbox is left. Removals are
sent before the EXPUNGE responses they may precede, so their sequence numbers are still valid;
additions after EXISTS, so theirs already are.
"""

from __future__ import annotations

from dataclasses import dataclass

from mss.imap.search.parse_search import SearchKey
from mss.imap.wire.encode import string, untagged
from mss.imap.wire.sequence import SequenceSet

# RFC 5267 §4.3: results of SEARCH are not ordered, so an update's position is 0.
UNORDERED = 0


@dataclass(slots=True)
class SearchContext:
    """One updating search: its key, whether it answers UIDs, and the UIDs it last reported."""

    key: SearchKey
    uid: bool
    uids: frozenset[int]


def context_update(tag: str, context: SearchContext, verb: bytes, numbers: list[int]) -> bytes:
    """``* ESEARCH (TAG "t") [UID] ADDTO|REMOVEFROM (0 set)`` (RFC 5267 §4.3)."""
    parts = [b"(TAG " + string(tag) + b")"] + ([b"UID"] if context.uid else [])
    position = b"%d " % UNORDERED
    parts.append(verb + b" (" + position + SequenceSet.from_numbers(numbers).to_bytes() + b")")
    return untagged(b"ESEARCH", *parts)
