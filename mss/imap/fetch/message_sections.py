"""The octets of a FETCH body section (RFC 3501 §6.4.5), sliced from the raw message.

The parsed structure gives every entity's offsets into the raw message, so a section is one
slice, except HEADER.FIELDS which filters the lines of a header block. Sections of the
top-level header are answered from the header block alone, which the encrypted summary holds:
such fetches never decrypt the message body.
"""

from __future__ import annotations

import re

from mss.imap.fetch.parse_fetch import HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT, MIME, TEXT, Section
from mss.mime import find_part
from mss.mime.model import MessageStructure

# RFC 5322 §2.2 and §2.2.3: a field is its first line and every continuation line after it.
_FIELD = re.compile(rb"([!-9;-~]+)[ \t]*:[^\n]*(?:\n|\Z)(?:[ \t][^\n]*(?:\n|\Z))*")
_UNFOLD = re.compile(rb"\r?\n")


def header_only(section: Section) -> bool:
    """Whether ``section`` is within the top-level header block (held by the summary)."""
    return not section.part and section.text in (HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT)


def header_items(block: bytes) -> list[tuple[str, bytes]]:
    """Every field of a header block in order: upper-case name, unfolded raw value."""
    items = []
    for field in _FIELD.finditer(block):
        value = field.group().split(b":", 1)[1]
        items.append((field.group(1).decode("ascii").upper(), _UNFOLD.sub(b"", value).strip()))
    return items


def header_fields(block: bytes, names: tuple[str, ...], *, exclude: bool) -> bytes:
    """The fields of ``block`` named (or, with ``exclude``, not named) in ``names``.

    RFC 3501 §6.4.5: the subset of the header, field names matched case-insensitively, followed
    by the blank line that ends a header.
    """
    wanted = {name.upper() for name in names}
    kept = [
        field.group()
        for field in _FIELD.finditer(block)
        if (field.group(1).decode("ascii").upper() in wanted) != exclude
    ]
    return b"".join(line if line.endswith(b"\n") else line + b"\r\n" for line in kept) + b"\r\n"


def section_octets(raw: bytes, structure: MessageStructure, section: Section) -> bytes | None:
    """The octets of ``section``, or None when the message has no such part.

    ``raw`` may be only the header block when ``header_only(section)`` holds.
    """
    part = structure.body if not section.part else find_part(structure, section.part)
    if part is None:
        return None
    if section.text is None:
        if not section.part:
            return raw
        return raw[part.body_start : part.end]
    if section.text == MIME:
        # RFC 3501 §6.4.5: the MIME header of the part, blank line included.
        return raw[part.header_start : part.body_start]
    # RFC 3501 §6.4.5: HEADER and TEXT name the message at the top, and the encapsulated message
    # of a message/rfc822 part below it.
    message = part if not section.part else part.message
    if message is None:
        return None
    header = raw[message.header_start : message.body_start]
    if section.text == HEADER:
        return header
    if section.text == TEXT:
        return raw[message.body_start : message.end]
    return header_fields(header, section.fields, exclude=section.text == HEADER_FIELDS_NOT)


def partial(data: bytes, origin: int, count: int) -> bytes:
    """RFC 3501 §6.4.5 ``<origin.count>``: an empty string when the origin is past the end."""
    return data[origin : origin + count]
