"""Content encryption: both framings round-trip, and every kind of tampering is refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl import bindings as sodium
from nacl.exceptions import CryptoError as NaclCryptoError

from crypto import DecryptionError, decrypt, encrypt, new_content_key
from crypto.content import CHUNK_BYTES


@pytest.mark.parametrize(
    "size", [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES, 1_000_003]
)
def test_round_trip_at_every_framing_boundary(size: int) -> None:
    key = new_content_key()
    plaintext = bytes(i % 251 for i in range(size))
    assert decrypt(key, encrypt(key, plaintext, b"row-1"), b"row-1") == plaintext


@pytest.mark.parametrize("size", [100, 3 * CHUNK_BYTES])
def test_other_associated_data_is_refused(size: int) -> None:
    key = new_content_key()
    blob = encrypt(key, b"x" * size, b"row-1")
    with pytest.raises(DecryptionError):
        decrypt(key, blob, b"row-2")


@pytest.mark.parametrize("size", [100, 3 * CHUNK_BYTES])
def test_other_key_is_refused(size: int) -> None:
    blob = encrypt(new_content_key(), b"x" * size, b"row")
    with pytest.raises(DecryptionError):
        decrypt(new_content_key(), blob, b"row")


def test_stream_truncated_at_a_chunk_boundary_is_refused() -> None:
    key = new_content_key()
    blob = encrypt(key, b"y" * (3 * CHUNK_BYTES + 10), b"row")
    one_chunk = 1 + 24 + CHUNK_BYTES + 17
    with pytest.raises(DecryptionError):
        decrypt(key, blob[:one_chunk], b"row")


def test_stream_with_extra_bytes_after_the_final_chunk_is_refused() -> None:
    key = new_content_key()
    blob = encrypt(key, b"y" * (2 * CHUNK_BYTES + 10), b"row")
    with pytest.raises(DecryptionError):
        decrypt(key, blob + b"\x00" * 40, b"row")


def test_version_byte_is_authenticated() -> None:
    key = new_content_key()
    blob = encrypt(key, b"short", b"row")
    with pytest.raises(DecryptionError):
        decrypt(key, b"\x02" + blob[1:], b"row")


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=4096), st.integers(min_value=0, max_value=4095))
def test_any_flipped_bit_is_detected(plaintext: bytes, position: int) -> None:
    key = new_content_key()
    blob = bytearray(encrypt(key, plaintext, b"row"))
    blob[position % len(blob)] ^= 0x01
    with pytest.raises(DecryptionError):
        decrypt(key, bytes(blob), b"row")


def test_the_version_byte_is_part_of_the_associated_data() -> None:
    """Issue 13: each framing authenticates its own version byte ahead of the caller's
    associated data, so no ciphertext can be read back under another framing's rules."""
    key = new_content_key()
    one_shot = encrypt(key, b"abc", b"row-1")
    nonce, sealed = one_shot[1:25], one_shot[25:]
    opened = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(sealed, b"\x01row-1", nonce, key.raw)
    assert opened == b"abc"
    with pytest.raises(NaclCryptoError):
        sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(sealed, b"row-1", nonce, key.raw)

    stream = encrypt(key, b"y" * (CHUNK_BYTES + 1), b"row-1")
    body = stream[1:]
    header = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
    first = body[
        header : header + CHUNK_BYTES + sodium.crypto_secretstream_xchacha20poly1305_ABYTES
    ]
    for aad, readable in ((b"\x02row-1", True), (b"row-1", False)):
        state = sodium.crypto_secretstream_xchacha20poly1305_state()
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, body[:header], key.raw)
        if readable:
            chunk, _ = sodium.crypto_secretstream_xchacha20poly1305_pull(state, first, aad)
            assert chunk == b"y" * CHUNK_BYTES
        else:
            with pytest.raises(NaclCryptoError):
                sodium.crypto_secretstream_xchacha20poly1305_pull(state, first, aad)
