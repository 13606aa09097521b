"""Keyed tags: facts the server must recognise later without storing them readably."""

from __future__ import annotations

from nacl.encoding import RawEncoder
from nacl.hash import blake2b
from nacl.utils import random

SECRET_BYTES = 32
_PERSON = b"mss-keyed-tag"


def new_secret() -> bytes:
    return random(SECRET_BYTES)


def keyed_tag(secret: bytes, *parts: bytes) -> bytes:
    """BLAKE2b keyed by a server secret over length-prefixed parts (unambiguous framing)."""
    framed = b"".join(len(part).to_bytes(4, "big") + part for part in parts)
    return bytes(blake2b(framed, digest_size=32, key=secret, person=_PERSON, encoder=RawEncoder))
