"""Undoing content transfer encodings (RFC 2045 §6) without failing on damaged bodies."""

from __future__ import annotations

import binascii
import re

# RFC 2045 §6.8: decoders ignore characters outside the base64 alphabet (line breaks, junk).
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/=]")
_PADDING = re.compile(rb"=+")
# RFC 2045 §6.7 rule 3: white space at the end of an encoded line was added in transport and is
# deleted when decoding, which also makes "= " before a line break a soft line break.
_TRAILING_SPACE = re.compile(rb"[ \t]+(?=\r?\n|\Z)")


def _base64(body: bytes) -> bytes:
    """Decode each run between padding separately, so bodies made by concatenating encoded
    chunks decode whole, and repair the length of a truncated last quantum.

    A well-formed body (padding only at its end, whole quanta) is decoded in one call at C speed:
    the lenient decoder skips line breaks and junk as the careful path does, and answers the
    same octets; anything else takes the careful path.
    """
    if b"=" not in body.rstrip().rstrip(b"="):
        try:
            return binascii.a2b_base64(body)
        except binascii.Error:
            pass
    decoded: list[bytes] = []
    for chunk in _PADDING.split(_NOT_BASE64.sub(b"", body)):
        usable = len(chunk) - (1 if len(chunk) % 4 == 1 else 0)
        decoded.append(binascii.a2b_base64(chunk[:usable] + b"=" * (-usable % 4)))
    return b"".join(decoded)


def decode_transfer(body: bytes, encoding: str) -> bytes:
    """The octets a body encodes; identity and unknown encodings are returned as they are."""
    if encoding == "BASE64":
        return _base64(body)
    if encoding == "QUOTED-PRINTABLE":
        # RFC 2045 §6.7: soft line breaks removed, malformed ``=`` sequences kept literally.
        return binascii.a2b_qp(_TRAILING_SPACE.sub(b"", body))
    return body
