"""Which key and which associated data protect a queued message.

The content is encrypted under a fresh content key, itself sealed to the server's queue key
(``crypto.queuekey``), with the row's random object id and the queue key's id as associated data:
a ciphertext moved to another queue row, or re-labelled with another key, does not decrypt.
"""

from __future__ import annotations

from dataclasses import dataclass

from crypto import decrypt, encrypt, new_content_key, seal_key
from crypto.objects import associated_data, new_object_id
from crypto.queuekey import QueueKey
from mss.store.queue_records import QueuedMessage


@dataclass(frozen=True, slots=True)
class SealedContent:
    object_id: bytes
    key_id: bytes
    sealed_key: bytes
    content: bytes


def _aad(object_id: bytes, key_id: bytes) -> bytes:
    return associated_data(b"queue", object_id, key_id)


def seal_queued(raw: bytes, key: QueueKey) -> SealedContent:
    object_id = new_object_id()
    content_key = new_content_key()
    return SealedContent(
        object_id=object_id,
        key_id=key.key_id,
        sealed_key=seal_key(content_key, key.public),
        content=encrypt(content_key, raw, _aad(object_id, key.key_id)),
    )


def open_queued(message: QueuedMessage, key: QueueKey) -> bytes:
    """The raw message; raises ``crypto.DecryptionError`` if it was not sealed to ``key``."""
    content_key = key.open_key(message.sealed_key)
    return decrypt(content_key, message.content, _aad(message.object_id, message.key_id))
