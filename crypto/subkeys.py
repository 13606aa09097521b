"""Subkeys: one key per purpose, derived from a key that several purposes would otherwise share.

The webmail's session key (``crypto.session``) wraps the account's unlocked keys in the session
row, encrypts the rows the webmail keeps in memory for that session, and keys its CSRF token. Used
as is for all three, a weakness or a chosen input in one use (the CSRF token is shown in every
page) would bear on the others. Each purpose therefore gets its own subkey: a keyed BLAKE2b of
the master key with a personalisation of its own, so subkeys of different purposes are
independent pseudo-random keys, and none reveals the master key or another subkey.
"""

from __future__ import annotations

import enum

from nacl.encoding import RawEncoder
from nacl.hash import blake2b

from crypto.errors import CryptoError

SUBKEY_BYTES = 32
MASTER_BYTES = 32


class Purpose(enum.Enum):
    """What a subkey is for; the value is its BLAKE2b personalisation (at most 16 bytes)."""

    SESSION_WRAP = b"mss-ws-wrap"
    """The account's private keys kept in the web session's row."""
    SESSION_CACHE = b"mss-ws-cache"
    """Rows the webmail keeps in memory for one session."""
    SESSION_CSRF = b"mss-ws-csrf"
    """The synchroniser token of the session's state-changing requests."""


def derive_subkey(master: bytes, purpose: Purpose) -> bytes:
    """The subkey of ``master`` for ``purpose``: BLAKE2b keyed by the master key over the
    purpose's name, personalised by the same name (so the two inputs cannot be traded)."""
    if len(master) != MASTER_BYTES:
        raise CryptoError("a master key has 32 bytes")
    return bytes(
        blake2b(
            purpose.value,
            digest_size=SUBKEY_BYTES,
            key=master,
            person=purpose.value,
            encoder=RawEncoder,
        )
    )
