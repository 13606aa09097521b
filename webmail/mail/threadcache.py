"""Which messages make each conversation of a folder, kept per session under its own key.

Grouping a folder needs every message's identifiers and subject: even from the row cache that is
one decryption per message (about 0.2 ms each, 0.4 s for 2,000 messages) on every page of the
list. But a folder's conversations change only when a message arrives or leaves, and a stored
message never changes: so the grouping, as lists of (folder, UID) pairs, is kept here with a
digest of the folder's UIDs, and reused while that digest holds. Like the row cache it is
encrypted under the session key, which only the browser's cookie holds, so the server's memory
alone does not tell which messages answer which; it is bounded, least recently used first out.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Sequence

from crypto import DecryptionError
from crypto.session import SessionToken

CAPACITY = 10_000
"""Folder sets kept: one per folder listed and per message page opened in each session."""

MessageKey = tuple[int, int]
"""A message as (mailbox id, UID)."""


def _digest(keys: Sequence[MessageKey]) -> bytes:
    return hashlib.blake2b(json.dumps(sorted(keys)).encode(), digest_size=16).digest()


class ThreadCache:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[bytes, tuple[bytes, bytes]] = OrderedDict()

    @staticmethod
    def _key(token: SessionToken, mailboxes: Sequence[int]) -> bytes:
        return token.lookup + b"threads:" + ",".join(map(str, mailboxes)).encode()

    def get(
        self, token: SessionToken, mailboxes: Sequence[int], keys: Sequence[MessageKey]
    ) -> list[list[MessageKey]] | None:
        """The conversations last grouped from exactly these messages, or None."""
        key = self._key(token, mailboxes)
        found = self._entries.get(key)
        if found is None or found[0] != _digest(keys):
            return None
        self._entries.move_to_end(key)
        try:
            groups = json.loads(token.decrypt(found[1], key))
            return [[(int(m), int(u)) for m, u in members] for members in groups]
        except (DecryptionError, ValueError, TypeError):
            del self._entries[key]
            return None

    def put(
        self,
        token: SessionToken,
        mailboxes: Sequence[int],
        keys: Sequence[MessageKey],
        groups: list[list[MessageKey]],
    ) -> None:
        key = self._key(token, mailboxes)
        blob = token.encrypt(json.dumps(groups).encode(), key)
        self._entries[key] = (_digest(keys), blob)
        self._entries.move_to_end(key)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
