"""Object ids and associated data: one scheme for every sealed row (stored messages, vault
documents, queued mail, calendar entries).

Each ciphertext is bound, as AEAD associated data, to the random id of its row, to its role in
that row and to the kind of object, so it cannot be moved to another row, swapped with another
part of the same row, or replayed as another kind of object. The bytes are
``mss/v1/<kind>/<part>/<part>…``, exactly what each module wrote before this scheme was shared,
so everything sealed earlier opens unchanged. Object ids have a fixed length, so the ``/``
framing is unambiguous.
"""

from __future__ import annotations

from nacl.utils import random

OBJECT_ID_BYTES = 16


def new_object_id() -> bytes:
    return random(OBJECT_ID_BYTES)


def associated_data(kind: bytes, *parts: bytes) -> bytes:
    """``kind`` names the object (b"message", b"vault", …); ``parts`` are its id and role in
    the order the object's module defines."""
    return b"mss/v1/" + kind + b"/" + b"/".join(parts)
