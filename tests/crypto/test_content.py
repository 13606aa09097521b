"""Content encryption: both framings round-trip, and every kind of tampering is refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
