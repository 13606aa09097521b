"""Which key protects each calendar record.

An agenda entry is sealed to its owner exactly like a message (a random content key sealed to the
owner's X25519 key, the entry's random object id in the associated data): the server files
invitations while the owner is away and cannot read them afterwards. A reminder's schedule
details (the event's SEQUENCE and DTSTAMP, the offset before its start) must be readable by the
unattended worker, so they are sealed to the server's queue key, whose private half never enters
the database: a dump shows a reminder's due time and nothing else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from crypto import AccountKeys, decrypt, encrypt, new_content_key, open_key, seal_key
from crypto.objects import associated_data, new_object_id
from crypto.queuekey import QueueKey


@dataclass(frozen=True, slots=True)
class SealedEntry:
    object_id: bytes
    sealed_key: bytes
    body: bytes


def _aad(object_id: bytes, role: bytes) -> bytes:
    return associated_data(b"calendar", role, object_id)


def seal_entry(body: dict[str, Any], owner_key: bytes) -> SealedEntry:
    object_id = new_object_id()
    key = new_content_key()
    data = json.dumps(body, separators=(",", ":")).encode()
    return SealedEntry(
        object_id, seal_key(key, owner_key), encrypt(key, data, _aad(object_id, b"entry"))
    )


def open_entry(entry: SealedEntry, keys: AccountKeys) -> dict[str, Any]:
    key = open_key(entry.sealed_key, keys)
    value = json.loads(decrypt(key, entry.body, _aad(entry.object_id, b"entry")))
    if not isinstance(value, dict):
        raise ValueError("calendar entry is not an object")
    return value


@dataclass(frozen=True, slots=True)
class Schedule:
    """What the reminder worker needs to know of the event a reminder belongs to."""

    sequence: int
    dtstamp: int
    offset: int


def seal_schedule(schedule: Schedule, object_id: bytes, key: QueueKey) -> bytes:
    content_key = new_content_key()
    data = json.dumps([schedule.sequence, schedule.dtstamp, schedule.offset]).encode()
    sealed = seal_key(content_key, key.public)
    return sealed + encrypt(content_key, data, _aad(object_id, b"schedule"))


def open_schedule(blob: bytes, object_id: bytes, key: QueueKey) -> Schedule:
    sealed, ciphertext = blob[:SEALED_KEY_BYTES], blob[SEALED_KEY_BYTES:]
    content_key = key.open_key(sealed)
    sequence, dtstamp, offset = json.loads(
        decrypt(content_key, ciphertext, _aad(object_id, b"schedule"))
    )
    return Schedule(int(sequence), int(dtstamp), int(offset))


SEALED_KEY_BYTES = 32 + 48
"""crypto_box_seal of a 32-byte key: an ephemeral public key (32) + key + MAC (16)."""
