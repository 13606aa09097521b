"""Header blocks of MIME entities, read in place inside the raw message.

The ``email`` package cannot say where a header block ends inside a larger buffer, so the block
is scanned here. Values are kept as unfolded octets; callers decode only the fields they use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# RFC 5322 §2.2: a field is a name of printable US-ASCII but the colon, then its value; RFC 5322
# §2.2.3: a line starting with white space continues the field above; RFC 5322 §4.5 (obsolete
# syntax) allows white space before the colon. Lines end in CRLF or a bare LF. The two line
# shapes start differently, so the expressions cannot backtrack far.
_FIELDS = re.compile(rb"(?:[!-9;-~]+[ \t]*:[^\n]*\n(?:[ \t][^\n]*\n)*)*")
_FIELD = re.compile(rb"([!-9;-~]+)[ \t]*:([^\n]*\n?(?:[ \t][^\n]*\n?)*)")
# The same shapes for a last line that the end of the entity cuts short.
_LAST_FIELD = re.compile(rb"[!-9;-~]+[ \t]*:[^\n]*|[ \t][^\n]*")
_LINE_BREAK = re.compile(rb"\r?\n")


@dataclass(frozen=True, slots=True)
class HeaderBlock:
    """The first occurrence of each field (lower-case name, unfolded value) and where the body
    begins."""

    fields: dict[str, bytes]
    body_start: int


def read_header_block(raw: bytes, start: int, end: int) -> HeaderBlock:
    """Read the header block of the entity in ``raw[start:end]``.

    RFC 5322 §2.1: the header ends at the first empty line, which belongs to the header block.
    A line that is neither a field nor a continuation starts the body without an empty line, as
    if the separator had been forgotten; a block that runs to ``end`` leaves an empty body.
    """
    run = _FIELDS.match(raw, start, end)
    fields_end = start if run is None else run.end()
    blank = _LINE_BREAK.match(raw, fields_end, end)
    if blank is not None:
        body_start = blank.end()
    else:
        last = _LAST_FIELD.fullmatch(raw, fields_end, end)
        if last is not None and (fields_end > start or not raw[fields_end:end][:1].isspace()):
            fields_end = body_start = end
        else:
            body_start = fields_end
    fields: dict[str, bytes] = {}
    for field in _FIELD.finditer(raw, start, fields_end):
        name = field.group(1).decode("ascii").lower()
        if name not in fields:
            fields[name] = _LINE_BREAK.sub(b"", field.group(2)).strip()
    return HeaderBlock(fields, body_start)
