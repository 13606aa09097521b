"""The server's queue key pair (X25519): mail waiting to be relayed is sealed to it.

Outbound mail must be readable by the queue worker with nobody logged in, yet nothing a person
wrote may sit in the database in the clear. Each queued message gets a random content key sealed
to this key pair's public half; the private half lives only in a file of the data directory
(mode 0600), never in the database, so a database dump alone reads nothing.

The file holds one line, ``MSS-QUEUE-KEY-1 <base64 of the 32-byte X25519 secret>``. It is
created on first use by writing a private temporary file and hard-linking it into place, so two
processes starting at once agree on one key (the loser of ``link`` reads the winner's file).
Every node that runs a queue worker over a shared database needs a copy of the same file; the
key id (a hash of the public key) stored with each queued message tells a worker which messages
it can open.
"""

from __future__ import annotations

from pathlib import Path

from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.hash import blake2b
from nacl.public import PrivateKey, SealedBox

from crypto.content import ContentKey
from crypto.errors import DecryptionError
from crypto.keyfile import check_private, create_key_file, key_file_content, parse_key_file

KEY_ID_BYTES = 16
_MAGIC = "MSS-QUEUE-KEY-1"
_SECRET_BYTES = 32
_KEY_ID_PERSON = b"mss-queue-keyid"


class QueueKey:
    """The unlocked queue key pair; its repr never shows the secret."""

    __slots__ = ("_private",)

    def __init__(self, private: PrivateKey) -> None:
        self._private = private

    @classmethod
    def generate(cls) -> QueueKey:
        return cls(PrivateKey.generate())

    @property
    def public(self) -> bytes:
        """The public key that content keys are sealed to (``crypto.seal_key``)."""
        return bytes(self._private.public_key)

    @property
    def key_id(self) -> bytes:
        """A short, stable name of this key pair, stored beside each message sealed to it."""
        return bytes(
            blake2b(
                self.public, digest_size=KEY_ID_BYTES, person=_KEY_ID_PERSON, encoder=RawEncoder
            )
        )

    def open_key(self, sealed: bytes) -> ContentKey:
        """Open a content key sealed to :attr:`public`."""
        try:
            raw = SealedBox(self._private).decrypt(sealed)
        except (NaclCryptoError, ValueError, TypeError) as exc:
            raise DecryptionError from exc
        return ContentKey(raw)

    def __repr__(self) -> str:
        return "QueueKey(<secret>)"


def load_or_create_queue_key(path: Path) -> QueueKey:
    """Read the key file at ``path``, creating it (and its directory, 0700) if it is missing.

    Raises :class:`PermissionError` when the file is readable by group or others (a copied key
    must be protected again before use) and :class:`ValueError` when it is not a queue key.
    """
    if not path.exists():
        _create(path)
    check_private(path, "queue key")
    return QueueKey(PrivateKey(_parse(path)))


def _parse(path: Path) -> bytes:
    return parse_key_file(path, path.read_bytes(), _MAGIC, _SECRET_BYTES, "queue key")


def _create(path: Path) -> None:
    secret = bytes(PrivateKey.generate())
    create_key_file(path, key_file_content(_MAGIC, secret))
