"""Sealed boxes (X25519 + XSalsa20-Poly1305, ``crypto_box_seal``).

Content keys are sealed to the owner's public key so that mail can be stored for a person who is
offline; only their unlocked private key opens it again. An account's private keys are sealed the
same way to each member of a shared mailbox or delegate of a patient.
"""

from __future__ import annotations

from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.public import PublicKey, SealedBox

from crypto.content import ContentKey
from crypto.errors import DecryptionError
from crypto.keys import AccountKeys


def seal_key(content_key: ContentKey, recipient_public: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(recipient_public)).encrypt(content_key.raw))


def open_key(sealed: bytes, keys: AccountKeys) -> ContentKey:
    try:
        raw = SealedBox(keys.encryption).decrypt(sealed)
    except (NaclCryptoError, ValueError, TypeError) as exc:
        raise DecryptionError from exc
    return ContentKey(raw)


def seal_account_keys(keys: AccountKeys, member_public: bytes) -> bytes:
    """Give a member (or delegate) the mailbox's private keys, readable only with theirs."""
    return bytes(SealedBox(PublicKey(member_public)).encrypt(keys.secret()))


def open_account_keys(sealed: bytes, member: AccountKeys) -> AccountKeys:
    try:
        secret = SealedBox(member.encryption).decrypt(sealed)
    except (NaclCryptoError, ValueError, TypeError) as exc:
        raise DecryptionError from exc
    return AccountKeys.from_secret(secret)
