"""Wrapping account private keys under a credential-derived key (SecretBox, XSalsa20-Poly1305)."""

from __future__ import annotations

from dataclasses import dataclass

from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.secret import SecretBox

from crypto.errors import DecryptionError
from crypto.keys import AccountKeys


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """Nonce and ciphertext of an account's 64 secret bytes."""

    blob: bytes


def wrap_with_key(keys: AccountKeys, wrapping_key: bytes) -> WrappedKey:
    return WrappedKey(bytes(SecretBox(wrapping_key).encrypt(keys.secret())))


def unwrap_with_key(wrapped: WrappedKey, wrapping_key: bytes) -> AccountKeys:
    try:
        secret = SecretBox(wrapping_key).decrypt(wrapped.blob)
    except (NaclCryptoError, ValueError, TypeError) as exc:
        raise DecryptionError from exc
    return AccountKeys.from_secret(secret)
