"""Re-encoding parts that carry NUL octets, so that a stored message fits a plain literal.

RFC 3516 §4.3 lets APPEND carry binary content (a literal8), but RFC 3501 §4.3 forbids NUL in the
literal a later ``BODY[...]`` returns. The server must therefore store such a part in a
transfer encoding that has no NUL: base64 (RFC 2045 §6.8), after which ``BINARY[part]`` gives the
original octets back.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

from mss.mime.model import BodyPart
from mss.mime.structure import parse_message

# RFC 5322 §2.2: a Content-Transfer-Encoding field with its continuation lines.
_CTE_FIELD = re.compile(rb"(?im)^content-transfer-encoding[ \t]*:[^\n]*\n(?:[ \t][^\n]*\n)*")
_BASE64_LINE = 76  # RFC 2045 §6.8: encoded lines are at most 76 characters


def _leaves(part: BodyPart) -> Iterator[BodyPart]:
    if part.message is not None:
        yield from _leaves(part.message)
    elif part.children:
        for child in part.children:
            yield from _leaves(child)
    else:
        yield part


def _base64_body(data: bytes) -> bytes:
    encoded = base64.b64encode(data)
    lines = [encoded[i : i + _BASE64_LINE] for i in range(0, len(encoded), _BASE64_LINE)]
    return b"\r\n".join(lines)


def _header_for_base64(header: bytes) -> bytes:
    """The part's header block with its transfer encoding set to base64.

    The block ends with the empty line that closes it; a new field goes just before it.
    """
    field = b"Content-Transfer-Encoding: base64\r\n"
    if _CTE_FIELD.search(header) is not None:
        return _CTE_FIELD.sub(field.replace(b"\\", b"\\\\"), header, count=1)
    closing = 2 if header.endswith(b"\r\n") else 1 if header.endswith(b"\n") else 0
    return header[: len(header) - closing] + field + header[len(header) - closing :]


def without_nul(raw: bytes) -> bytes:
    """``raw`` with every leaf part whose body holds NUL re-encoded in base64."""
    if b"\x00" not in raw:
        return raw
    structure = parse_message(raw)
    damaged = [
        leaf for leaf in _leaves(structure.body) if b"\x00" in raw[leaf.body_start : leaf.end]
    ]
    # From the last part backwards, so the offsets of the earlier ones stay valid.
    for leaf in sorted(damaged, key=lambda part: part.header_start, reverse=True):
        header = _header_for_base64(raw[leaf.header_start : leaf.body_start])
        body = _base64_body(raw[leaf.body_start : leaf.end])
        raw = raw[: leaf.header_start] + header + body + raw[leaf.end :]
    return raw
