"""Turning message octets into text without ever failing on what a sender wrote."""

from __future__ import annotations

# RFC 2046 §4.1.2: text without a charset parameter is US-ASCII.  US-ASCII is read as UTF-8, its
# superset, because undeclared 8-bit text in the wild is almost always UTF-8 (RFC 6532 §3.2).
DEFAULT_CHARSET = "us-ascii"
_ASCII_ALIASES = frozenset({"us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us"})


def header_codec(value: bytes) -> str:
    """Pick the codec for one header field: UTF-8 (RFC 6532 §3.2), else latin-1.

    latin-1 maps every octet to one character, so legacy 8-bit headers still decode, and
    encoding the result with the same codec gives the original octets back.
    """
    if value.isascii():
        return "ascii"
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def header_str(value: bytes) -> str:
    """Decode a header field value with :func:`header_codec`."""
    return value.decode(header_codec(value))


def decode_text(data: bytes, charset: str | None) -> str:
    """Decode a text body in its declared charset, replacing what does not decode.

    Unknown names and codecs that are not text encodings (``hex``, ``base64``) fall back to
    UTF-8 rather than failing: the reader still sees the ASCII part of the text.
    """
    name = (charset or DEFAULT_CHARSET).strip().lower()
    if name in _ASCII_ALIASES:
        name = "utf-8"
    try:
        return data.decode(name, "replace")
    except (LookupError, ValueError):
        return data.decode("utf-8", "replace")
