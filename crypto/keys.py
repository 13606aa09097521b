"""Account key pairs: X25519 to receive (sealed content keys), Ed25519 to sign."""

from __future__ import annotations

from dataclasses import dataclass

from nacl.public import PrivateKey
from nacl.signing import SigningKey

from crypto.errors import DecryptionError

SECRET_BYTES = 64


@dataclass(frozen=True, slots=True)
class PublicKeys:
    """What the directory publishes for an account."""

    encryption: bytes
    signing: bytes


@dataclass(frozen=True, slots=True)
class AccountKeys:
    """An account's private keys, unlocked; lives only in memory for one session."""

    encryption: PrivateKey
    signing: SigningKey

    @classmethod
    def generate(cls) -> AccountKeys:
        return cls(PrivateKey.generate(), SigningKey.generate())

    @classmethod
    def from_secret(cls, secret: bytes) -> AccountKeys:
        if len(secret) != SECRET_BYTES:
            raise DecryptionError
        return cls(PrivateKey(secret[:32]), SigningKey(secret[32:]))

    def secret(self) -> bytes:
        """The 64 bytes that credential wraps protect: X25519 secret then Ed25519 seed."""
        return bytes(self.encryption) + bytes(self.signing)

    @property
    def public(self) -> PublicKeys:
        return PublicKeys(bytes(self.encryption.public_key), bytes(self.signing.verify_key))

    def matches(self, public: PublicKeys) -> bool:
        """True when these private keys belong to ``public``.

        Checked after every unwrap, so that a wrap copied from another account's row is refused
        instead of silently unlocking the wrong keys.
        """
        return self.public == public

    def sign(self, message: bytes) -> bytes:
        return bytes(self.signing.sign(message).signature)


def verify_signature(public_signing_key: bytes, message: bytes, signature: bytes) -> bool:
    """Check an Ed25519 signature made by :meth:`AccountKeys.sign`."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    try:
        VerifyKey(public_signing_key).verify(message, signature)
    except (BadSignatureError, ValueError):
        return False
    return True
