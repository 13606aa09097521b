"""Key derivation from credentials.

A person's password is weak: Argon2id with parameters stored beside each wrap, so they can be
raised later without breaking old wraps. Application passwords and recovery keys are generated
with at least 128 bits of randomness: a keyed BLAKE2b derivation is enough, and keeps IMAP logins
of mail clients cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

from nacl import pwhash
from nacl.encoding import RawEncoder
from nacl.hash import blake2b
from nacl.utils import random

from crypto.errors import CryptoError

KEY_BYTES = 32
SALT_BYTES = pwhash.argon2id.SALTBYTES
TOKEN_SALT_BYTES = 16
_TOKEN_KDF_PERSON = b"mss-token-kdf"
_TOKEN_LOOKUP_PERSON = b"mss-token-look"


@dataclass(frozen=True, slots=True)
class Argon2Params:
    """Argon2id cost, stored with every password wrap."""

    opslimit: int
    memlimit: int

    @classmethod
    def interactive(cls) -> Argon2Params:
        return cls(pwhash.argon2id.OPSLIMIT_INTERACTIVE, pwhash.argon2id.MEMLIMIT_INTERACTIVE)

    @classmethod
    def moderate(cls) -> Argon2Params:
        return cls(pwhash.argon2id.OPSLIMIT_MODERATE, pwhash.argon2id.MEMLIMIT_MODERATE)

    @classmethod
    def minimum(cls) -> Argon2Params:
        """The lowest cost libsodium accepts: for tests only, never in a configuration."""
        return cls(pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN)


def new_salt() -> bytes:
    return random(SALT_BYTES)


def new_token_salt() -> bytes:
    return random(TOKEN_SALT_BYTES)


def derive_password_key(password: str, salt: bytes, params: Argon2Params) -> bytes:
    """Argon2id; slow by design (release the GIL: call it from a worker thread)."""
    if len(salt) != SALT_BYTES:
        raise CryptoError("password salt has the wrong length")
    return bytes(
        pwhash.argon2id.kdf(
            KEY_BYTES,
            password.encode("utf-8"),
            salt,
            opslimit=params.opslimit,
            memlimit=params.memlimit,
        )
    )


def derive_token_key(token: bytes, salt: bytes) -> bytes:
    """Wrapping key of a high-entropy token (application password, recovery key)."""
    return bytes(
        blake2b(
            token, digest_size=KEY_BYTES, key=salt, person=_TOKEN_KDF_PERSON, encoder=RawEncoder
        )
    )


def token_lookup(token: bytes) -> bytes:
    """A public tag that finds a token's wrap without trying every wrap of the account.

    Safe to store because the token has 128+ bits of entropy; it is a different BLAKE2b
    personalisation from the wrapping key, so it reveals nothing about that key.
    """
    return bytes(blake2b(token, digest_size=16, person=_TOKEN_LOOKUP_PERSON, encoder=RawEncoder))
