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

Beside each summary the index keeps renderings a front end asked to memoise (IMAP's ENVELOPE
and BODYSTRUCTURE, as Dovecot's cache keeps them): a resync then sends stored octets without
decoding any summary.

The plaintext is a version octet then, per message, UID, object id, content key, the summary as
``mss.mailcrypto.encode_summary`` writes it (unpadded), and the renderings (name, octets).
Summaries are decoded on first use, not at load: a client reading one message of a large mailbox
pays for one.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable

from crypto import ContentKey
from crypto.objects import OBJECT_ID_BYTES
from mss.mailcrypto import MessageSummary, decode_summary, encode_summary

VERSION = b"\x02"
_ENTRY = struct.Struct(f">Q{OBJECT_ID_BYTES}s32sIH")
_RENDERING = struct.Struct(">BI")


class IndexedMessage:
    """One message's opened key and summary; the summary is decoded when first asked for."""

    __slots__ = ("_encoded", "_summary", "key", "object_id", "rendered", "renderings")

    def __init__(
        self,
        object_id: bytes,
        key: ContentKey,
        summary: MessageSummary | None = None,
        encoded: bytes | None = None,
        renderings: dict[bytes, bytes] | None = None,
    ) -> None:
        self.object_id = object_id
        self.key = key
        self._summary = summary
        self._encoded = encoded
        self.renderings = renderings if renderings is not None else {}
        self.rendered = False
        """Whether a rendering was added since the index was read or written."""

    def rendering(self, name: bytes, make: Callable[[MessageSummary], bytes]) -> bytes:
        """The memoised rendering ``name`` of the summary (at most 255 octets of name), made by
        ``make`` the first time; kept in the index from its next write."""
        found = self.renderings.get(name)
        if found is None:
            found = make(self.summary)
            self.renderings[name] = found
            self.rendered = True
        return found

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
        rendered = sum(1 for message in self.entries.values() if message.rendered)
        return self.added + dead + rendered >= threshold

    def written(self, generation: int) -> None:
        """The stored copy is now this index, as generation ``generation``."""
        self.generation, self.added = generation, 0
        for message in self.entries.values():
            message.rendered = False

    def encode(self, live: Iterable[int]) -> bytes:
        """The plaintext, keeping only the messages in ``live``."""
        kept = set(live)
        parts = [VERSION]
        for uid in sorted(uid for uid in self.entries if uid in kept):
            message = self.entries[uid]
            encoded = message.encoded()
            renderings = message.renderings
            parts.append(
                _ENTRY.pack(uid, message.object_id, message.key.raw, len(encoded), len(renderings))
            )
            parts.append(encoded)
            for name, value in renderings.items():
                parts.append(_RENDERING.pack(len(name), len(value)))
                parts.append(name)
                parts.append(value)
        return b"".join(parts)

    @classmethod
    def decode(cls, generation: int, plaintext: bytes) -> MailboxIndex:
        if plaintext[:1] != VERSION:
            return cls(0, {})
        entries: dict[int, IndexedMessage] = {}
        view = memoryview(plaintext)
        offset = 1
        while offset < len(plaintext):
            uid, object_id, key, length, count = _ENTRY.unpack_from(plaintext, offset)
            offset += _ENTRY.size
            encoded = bytes(view[offset : offset + length])
            offset += length
            renderings: dict[bytes, bytes] = {}
            for _ in range(count):
                name_length, value_length = _RENDERING.unpack_from(plaintext, offset)
                offset += _RENDERING.size
                name = bytes(view[offset : offset + name_length])
                offset += name_length
                renderings[name] = bytes(view[offset : offset + value_length])
                offset += value_length
            entries[uid] = IndexedMessage(object_id, ContentKey(key), None, encoded, renderings)
        return cls(generation, entries)
