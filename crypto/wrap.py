"""Wrapping account private keys under a credential-derived key.

Version 2 (written now) is XChaCha20-Poly1305 (IETF AEAD) with the wrap's context as associated
data: the owner's public key, the kind of credential, its lookup, its salt and its key-derivation
parameters. A wrap copied to another account's row, presented as another kind of credential, or
stored beside weakened Argon2 parameters fails to open, by construction rather than by a check
made after it opened.

Version 1 (written before) is a SecretBox (XSalsa20-Poly1305) with no associated data. It still
opens, and the sign-in that opens it re-wraps it as version 2 (mss/accounts.py). The two are told
apart by length: ``0x02 ‖ nonce(24) ‖ ciphertext(64) ‖ tag(16)`` is 105 bytes, a SecretBox of
the same 64 bytes is 104.
"""

from __future__ import annotations

from dataclasses import dataclass

from nacl import bindings as sodium
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.secret import SecretBox
from nacl.utils import random

from crypto.errors import DecryptionError
from crypto.keys import AccountKeys

VERSION = b"\x02"
_NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
_SECRET_BYTES = 64
_V1_BYTES = SecretBox.NONCE_SIZE + SecretBox.MACBYTES + _SECRET_BYTES
_AD_PREFIX = b"mss/wrap/v2"


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A version 1 or 2 wrap of an account's 64 secret bytes."""

    blob: bytes

    @property
    def is_legacy(self) -> bool:
        """A version 1 wrap, bound to nothing: re-wrap it when it next opens."""
        return len(self.blob) == _V1_BYTES


@dataclass(frozen=True, slots=True)
class WrapContext:
    """What a wrap belongs to, bound as associated data."""

    owner: bytes
    """The account's public encryption key: unique per account and known before its row."""
    kind: str
    lookup: bytes
    """The credential's public lookup (app passwords, recovery and API keys); empty otherwise."""
    salt: bytes
    opslimit: int = 0
    memlimit: int = 0

    def associated_data(self) -> bytes:
        parts = (
            self.owner,
            self.kind.encode(),
            self.lookup,
            self.salt,
            self.opslimit.to_bytes(8, "big"),
            self.memlimit.to_bytes(8, "big"),
        )
        return _AD_PREFIX + b"".join(len(part).to_bytes(4, "big") + part for part in parts)


def wrap_with_key(keys: AccountKeys, wrapping_key: bytes, context: WrapContext) -> WrappedKey:
    nonce = random(_NONCE_BYTES)
    sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        keys.secret(), context.associated_data(), nonce, wrapping_key
    )
    return WrappedKey(VERSION + nonce + sealed)


def unwrap_with_key(wrapped: WrappedKey, wrapping_key: bytes, context: WrapContext) -> AccountKeys:
    try:
        if wrapped.is_legacy:
            secret = SecretBox(wrapping_key).decrypt(wrapped.blob)
        elif wrapped.blob[:1] == VERSION:
            nonce = wrapped.blob[1 : 1 + _NONCE_BYTES]
            secret = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
                wrapped.blob[1 + _NONCE_BYTES :], context.associated_data(), nonce, wrapping_key
            )
        else:
            raise DecryptionError
    except (NaclCryptoError, ValueError, TypeError) as exc:
        raise DecryptionError from exc
    return AccountKeys.from_secret(secret)
