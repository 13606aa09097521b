"""Content encryption: XChaCha20-Poly1305 under a random key per stored object.

Every ciphertext is bound to its object by associated data (the caller passes the object's
identity, e.g. message id and owner), so a ciphertext copied into another row does not decrypt.

Two framings, told apart by a leading version byte that is itself authenticated:

- ``0x01`` one-shot AEAD (``crypto_aead_xchacha20poly1305_ietf``): nonce ‖ ciphertext, for
  content up to :data:`CHUNK_BYTES`;
- ``0x02`` secretstream in chunks of :data:`CHUNK_BYTES`, each chunk carrying the associated
  data; the last chunk must carry ``TAG_FINAL`` (checked here: libsodium leaves that to the
  caller), so truncation after a chunk boundary is detected.
"""

from __future__ import annotations

from collections.abc import Iterator

from nacl import bindings as sodium
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.utils import random

from crypto.errors import DecryptionError

KEY_BYTES = 32
CHUNK_BYTES = 64 * 1024
_ONE_SHOT = b"\x01"
_STREAM = b"\x02"
_NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
_HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
_CHUNK_OVERHEAD = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL


class ContentKey:
    """A 32-byte content key; its repr never shows the key."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes) -> None:
        if len(raw) != KEY_BYTES:
            raise DecryptionError
        self.raw = raw

    def __repr__(self) -> str:
        return "ContentKey(<secret>)"


def new_content_key() -> ContentKey:
    return ContentKey(random(KEY_BYTES))


def encrypt(key: ContentKey, plaintext: bytes, aad: bytes) -> bytes:
    if len(plaintext) <= CHUNK_BYTES:
        nonce = random(_NONCE_BYTES)
        sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
            plaintext, _ONE_SHOT + aad, nonce, key.raw
        )
        return _ONE_SHOT + nonce + sealed
    return _STREAM + b"".join(_push_chunks(key, plaintext, _STREAM + aad))


def decrypt(key: ContentKey, blob: bytes, aad: bytes) -> bytes:
    version, body = blob[:1], blob[1:]
    try:
        if version == _ONE_SHOT:
            nonce, sealed = body[:_NONCE_BYTES], body[_NONCE_BYTES:]
            return bytes(
                sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
                    sealed, _ONE_SHOT + aad, nonce, key.raw
                )
            )
        if version == _STREAM:
            return _pull_chunks(key, body, _STREAM + aad)
    except (NaclCryptoError, ValueError, TypeError) as exc:
        raise DecryptionError from exc
    raise DecryptionError


def _push_chunks(key: ContentKey, plaintext: bytes, aad: bytes) -> Iterator[bytes]:
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    yield sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key.raw)
    last = (len(plaintext) - 1) // CHUNK_BYTES
    for index in range(last + 1):
        chunk = plaintext[index * CHUNK_BYTES : (index + 1) * CHUNK_BYTES]
        tag = _TAG_FINAL if index == last else _TAG_MESSAGE
        yield sodium.crypto_secretstream_xchacha20poly1305_push(state, chunk, aad, tag)


def _pull_chunks(key: ContentKey, body: bytes, aad: bytes) -> bytes:
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, body[:_HEADER_BYTES], key.raw)
    step = CHUNK_BYTES + _CHUNK_OVERHEAD
    parts: list[bytes] = []
    offset = _HEADER_BYTES
    while offset < len(body):
        chunk, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(
            state, body[offset : offset + step], aad
        )
        offset += step
        parts.append(chunk)
        if tag == _TAG_FINAL:
            if offset < len(body):
                raise DecryptionError
            return b"".join(parts)
    raise DecryptionError
