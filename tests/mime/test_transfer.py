"""Base64 bodies (RFC 2045 §6.8): the one-call path for well-formed bodies answers exactly what
the careful path answers for damaged ones."""

from __future__ import annotations

import base64
import binascii
import re

from hypothesis import given
from hypothesis import strategies as st

from mss.mime.transfer import decode_transfer


def careful(body: bytes) -> bytes:
    """RFC 2045 §6.8 read leniently: junk ignored, each padded run decoded on its own, a
    truncated last quantum completed."""
    out = b""
    for chunk in re.split(rb"=+", re.sub(rb"[^A-Za-z0-9+/=]", b"", body)):
        usable = len(chunk) - (1 if len(chunk) % 4 == 1 else 0)
        out += binascii.a2b_base64(chunk[:usable] + b"=" * (-usable % 4))
    return out


def test_well_formed_body_decodes_whole() -> None:
    payload = bytes(range(256)) * 40
    body = base64.encodebytes(payload).replace(b"\n", b"\r\n")
    assert decode_transfer(body, "BASE64") == payload


def test_concatenated_encoded_chunks_decode_whole() -> None:
    assert decode_transfer(b"QQ==\r\nQkM=\r\n", "BASE64") == b"ABC"


def test_truncated_last_quantum_is_repaired() -> None:
    assert decode_transfer(b"QUJD\r\nRA\r\n", "BASE64") == b"ABCD"
    assert decode_transfer(b"QUJDR", "BASE64") == b"ABC"


def test_junk_after_padding_is_not_dropped() -> None:
    assert decode_transfer(b"QQ==!QkM=", "BASE64") == b"ABC"


@given(
    st.binary(max_size=60), st.lists(st.tuples(st.integers(0, 200), st.sampled_from(b"=\r\n !A")))
)
def test_any_body_decodes_as_the_careful_reading(
    payload: bytes, damage: list[tuple[int, int]]
) -> None:
    body = bytearray(base64.encodebytes(payload).replace(b"\n", b"\r\n"))
    for position, octet in damage:
        if body:
            body[position % len(body)] = octet
    assert decode_transfer(bytes(body), "BASE64") == careful(bytes(body))
