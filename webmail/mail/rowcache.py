"""List rows already decrypted once, kept encrypted under the session's own key.

Listing a page costs, per message, a sealed-box opening (its content key) and the decoding of
its summary; paging back and forth, or the live refresh after each new message, would pay it
again for rows that cannot have changed (a stored message never changes; its flags are read
from the row every time). This cache keeps what a row shows (subject, sender, recipients,
whether it has attachments) encrypted under the session key, which only the browser's cookie
holds: like the database, the server's memory alone gives nothing away. It is bounded, least
recently used first out, and per process.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass

from crypto import DecryptionError
from crypto.session import SessionToken
from webmail.mail.headers import Person

CAPACITY = 100_000  # about 50 MB at most: ~500 bytes per row


@dataclass(frozen=True, slots=True)
class RowText:
    """What a list row shows of a message's content (its flags come from the store)."""

    subject: str
    sender: Person | None
    recipients: tuple[Person, ...]
    has_attachments: bool
    date: int | None = None
    """The exact internal date and size, from the sealed summary (the row's are perturbed);
    None in rows cached before they were kept here."""
    size: int | None = None
    preview: str = ""
    """The one line of text under the subject, from the sealed summary."""
    message_id: str = ""
    """Message-ID, and the ids of References and In-Reply-To, that group conversations."""
    references: tuple[str, ...] = ()

    def encode(self) -> bytes:
        people = [[p.name, p.address] for p in self.recipients]
        sender = [self.sender.name, self.sender.address] if self.sender else None
        values = [
            self.subject,
            sender,
            people,
            self.has_attachments,
            self.date,
            self.size,
            self.preview,
            self.message_id,
            list(self.references),
        ]
        return json.dumps(values).encode()

    @classmethod
    def decode(cls, data: bytes) -> RowText:
        subject, sender, people, attached, date, size, preview, message_id, references = json.loads(
            data
        )
        return cls(
            str(subject),
            Person(str(sender[0]), str(sender[1])) if sender else None,
            tuple(Person(str(n), str(a)) for n, a in people),
            bool(attached),
            None if date is None else int(date),
            None if size is None else int(size),
            str(preview),
            str(message_id),
            tuple(str(r) for r in references),
        )


class RowCache:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        # Keys are flat bytes (session lookup ‖ object id), not tuples: bytes are not tracked
        # by the garbage collector, so a full cache adds nothing to its pauses.
        self._rows: OrderedDict[bytes, bytes] = OrderedDict()

    def get(self, token: SessionToken, object_id: bytes) -> RowText | None:
        key = token.lookup + object_id
        blob = self._rows.get(key)
        if blob is None:
            return None
        self._rows.move_to_end(key)
        try:
            return RowText.decode(token.decrypt(blob, object_id))
        except (DecryptionError, ValueError, TypeError, IndexError):
            del self._rows[key]
            return None

    def put(self, token: SessionToken, object_id: bytes, row: RowText) -> None:
        self._rows[token.lookup + object_id] = token.encrypt(row.encode(), object_id)
        while len(self._rows) > self._capacity:
            self._rows.popitem(last=False)
