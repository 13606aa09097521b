"""The encrypted index of one mailbox: every message's opened summary and content key.

Implementation notes. A message at rest is a content key sealed to its owner (X25519) and a
summary and content encrypted under that key; opening one costs an X25519 operation. The index
keeps, for every message of a mailbox a session has read, the content key and summary already
opened, as one blob sealed under the account's index key (crypto/indexkey.py): a session opens
a whole mailbox with one symmetric decryption, and a content key, once opened, is never unsealed
again (it is re-wrapped, in effect, under the index key).

An entry is keyed by UID. Within one UIDVALIDITY a UID names one message forever (RFC 3501
§2.3.1.1), and the blob is bound to the mailbox's id and UIDVALIDITY, so an entry can never
describe another message than the row of the same UID; entries of expunged messages are only
dead weight, pruned on the next write. Flags, MODSEQs and membership are never taken from the
index (they stay in the clear rows, read per command), which is why concurrent STORE, EXPUNGE and
delivery cannot make it wrong: at worst it lacks entries, and the reader opens those from their
rows. Messages delivered since the last write (delivery runs without the owner's keys) are
opened from their sealed rows and added.

The plaintext is a version octet then, per message, UID, object id, content key and the summary
as ``mss.mailcrypto.encode_summary`` writes it (unpadded). Summaries are decoded on first use,
not at load: a client reading one message of a large mailbox pays for one.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

from crypto import ContentKey
from crypto.objects import OBJECT_ID_BYTES
from mss.mailcrypto import MessageSummary, decode_summary, encode_summary

VERSION = b"\x01"
_ENTRY = struct.Struct(f">Q{OBJECT_ID_BYTES}s32sI")


class IndexedMessage:
    """One message's opened key and summary; the summary is decoded when first asked for."""

    __slots__ = ("_encoded", "_summary", "key", "object_id")

    def __init__(
        self,
        object_id: bytes,
        key: ContentKey,
        summary: MessageSummary | None = None,
        encoded: bytes | None = None,
    ) -> None:
        self.object_id = object_id
        self.key = key
        self._summary = summary
        self._encoded = encoded

    @property
    def summary(self) -> MessageSummary:
        if self._summary is None:
            if self._encoded is None:
                raise RuntimeError("an indexed message without a summary")
            self._summary, self._encoded = decode_summary(self._encoded), None
        return self._summary

    def encoded(self) -> bytes:
        if self._encoded is not None:
            return self._encoded
        return encode_summary(self.summary)


class MailboxIndex:
    """The opened messages of one mailbox, by UID, and where its stored copy stands."""

    def __init__(self, generation: int, entries: dict[int, IndexedMessage]) -> None:
        self.generation = generation
        """The stored row's generation this index was read from or last written as (0: none)."""
        self.entries = entries
        self.added = 0
        """Entries opened from their rows since the index was last read or written."""

    def add(self, uid: int, message: IndexedMessage) -> None:
        if uid not in self.entries:
            self.added += 1
        self.entries[uid] = message

    def merge(self, other: MailboxIndex) -> None:
        """Take the entries another session stored (identical for the UIDs both hold)."""
        for uid, message in other.entries.items():
            self.entries.setdefault(uid, message)
        self.generation = other.generation

    def stale(self, live: Iterable[int]) -> bool:
        """Whether the stored copy is worth rewriting: it lacks many opened entries or holds
        many expunged ones (a few of either cost the next reader little)."""
        live = set(live)
        dead = sum(1 for uid in self.entries if uid not in live)
        threshold = max(1, len(live) // 50)
        if self.generation == 0:
            return bool(self.entries)
        return self.added + dead >= threshold

    def encode(self, live: Iterable[int]) -> bytes:
        """The plaintext, keeping only the messages in ``live``."""
        kept = set(live)
        parts = [VERSION]
        for uid in sorted(uid for uid in self.entries if uid in kept):
            message = self.entries[uid]
            encoded = message.encoded()
            parts.append(_ENTRY.pack(uid, message.object_id, message.key.raw, len(encoded)))
            parts.append(encoded)
        return b"".join(parts)

    @classmethod
    def decode(cls, generation: int, plaintext: bytes) -> MailboxIndex:
        if plaintext[:1] != VERSION:
            return cls(0, {})
        entries: dict[int, IndexedMessage] = {}
        view = memoryview(plaintext)
        offset = 1
        while offset < len(plaintext):
            uid, object_id, key, length = _ENTRY.unpack_from(plaintext, offset)
            offset += _ENTRY.size
            encoded = bytes(view[offset : offset + length])
            offset += length
            entries[uid] = IndexedMessage(object_id, ContentKey(key), encoded=encoded)
        return cls(generation, entries)
