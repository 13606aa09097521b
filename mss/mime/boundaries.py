"""Finding the body parts of a multipart entity by its boundary (RFC 2046 §5.1.1)."""

from __future__ import annotations

_LF = 0x0A
_CR = 0x0D
_PADDING = (0x20, 0x09)


def _boundary_line_end(raw: bytes, pos: int, end: int) -> int:
    """Where the line after a delimiter's transport padding ends, or -1 if other text follows.

    RFC 2046 §5.1.1 allows only white space between a delimiter and its CRLF; refusing other
    text keeps an inner boundary that merely starts with the outer one from splitting the outer.
    """
    while pos < end and raw[pos] in _PADDING:
        pos += 1
    if pos == end:
        return end
    if raw[pos] == _LF:
        return pos + 1
    if raw[pos] == _CR and (pos + 1 == end or raw[pos + 1] == _LF):
        return min(pos + 2, end)
    return -1


def part_spans(
    raw: bytes, start: int, end: int, boundary: bytes, limit: int
) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each body part of ``raw[start:end]``, in order.

    The preamble and epilogue are left out. The line break before a delimiter belongs to the
    delimiter, not to the part above it. A missing close delimiter ends the last part at ``end``.
    Scanning stops once ``limit`` is exceeded, so a caller sees ``limit + 1`` spans at most.
    """
    delimiter = b"--" + boundary
    spans: list[tuple[int, int]] = []
    part_start = -1
    pos = start
    while len(spans) <= limit:
        found = raw.find(delimiter, pos, end)
        if found < 0:
            break
        pos = found + 1
        if found > start and raw[found - 1] != _LF:
            continue
        after = found + len(delimiter)
        closing = raw.startswith(b"--", after, end)
        line_end = _boundary_line_end(raw, after + 2 if closing else after, end)
        if line_end < 0:
            continue
        if part_start >= 0:
            cut = found
            if cut > start and raw[cut - 1] == _LF:
                cut -= 1
                if cut > start and raw[cut - 1] == _CR:
                    cut -= 1
            spans.append((part_start, max(cut, part_start)))
        if closing:
            return spans
        part_start = pos = line_end
    if part_start >= 0 and len(spans) <= limit:
        spans.append((part_start, end))
    return spans
