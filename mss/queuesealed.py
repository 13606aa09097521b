"""Sealing what an unattended worker must read with nobody signed in (webhook URLs, secrets,
event bodies and watches; signature reminders): to the server's queue key pair, whose private
half lives in a file of the data directory (crypto/queuekey.py), so a dump of the database alone
reads none of it.

A blob is a random content key sealed to the queue key's public half (two-byte length first),
then the data encrypted under that key with associated data naming the row's role and id, so a
sealed URL cannot be moved to another endpoint nor a body to another delivery.
"""

from __future__ import annotations

import json
from typing import Any

from crypto import ContentKey, DecryptionError, decrypt, encrypt, new_content_key, seal_key
from crypto.queuekey import QueueKey


def _aad(role: str, name: str) -> bytes:
    return f"mss/v1/queue-sealed/{role}/{name}".encode()


def seal_json(public: bytes, role: str, name: str, value: dict[str, Any]) -> bytes:
    key = new_content_key()
    sealed = seal_key(key, public)
    data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    return len(sealed).to_bytes(2, "big") + sealed + encrypt(key, data, _aad(role, name))


def open_json(queue_key: QueueKey, role: str, name: str, blob: bytes) -> dict[str, Any]:
    size = int.from_bytes(blob[:2], "big")
    key: ContentKey = queue_key.open_key(blob[2 : 2 + size])
    value = json.loads(decrypt(key, blob[2 + size :], _aad(role, name)))
    if not isinstance(value, dict):
        raise DecryptionError
    return value
