"""A parsed message with trace fields put in front of it, without parsing it again.

Why. A message arriving by SMTP is stored once per recipient with its own Received field
(RFC 5321 §4.4) in front; parsing each copy again costs as much as the first parse. Putting
complete header fields before a message moves every offset by the prefix's length and changes
nothing else the model holds: the root entity still starts at 0, and the fields the model reads
(RFC 2045 Content-*, the RFC 3501 §7.4.2 envelope fields) are never trace fields.

Implementation notes. That holds only when the prefix is whole field lines and the message does
not start with white space (which would continue the prefix's last field, RFC 5322 §2.2.3), and
only when the prefix names no field the model reads; otherwise the message is parsed again.
"""

from __future__ import annotations

import re
from dataclasses import replace

from mss.mime.envelope import ENVELOPE_FIELDS
from mss.mime.model import BodyPart, MessageStructure
from mss.mime.structure import parse_message

_WHOLE_FIELDS = re.compile(rb"(?:([!-9;-~]+)[ \t]*:[^\n]*\n(?:[ \t][^\n]*\n)*)+")
_FIELD_NAME = re.compile(rb"^([!-9;-~]+)[ \t]*:", re.MULTILINE)
_READ_FIELDS = frozenset(ENVELOPE_FIELDS) | {"content-type", "mime-version"}


def _movable(prefix: bytes, raw: bytes) -> bool:
    if raw[:1] in (b" ", b"\t") or _WHOLE_FIELDS.fullmatch(prefix) is None:
        return False
    names = {name.decode("ascii").lower() for name in _FIELD_NAME.findall(prefix)}
    return not any(name in _READ_FIELDS or name.startswith("content-") for name in names)


def _moved(part: BodyPart, offset: int, root: bool = False) -> BodyPart:
    return replace(
        part,
        header_start=0 if root else part.header_start + offset,
        body_start=part.body_start + offset,
        end=part.end + offset,
        children=tuple(_moved(child, offset) for child in part.children),
        message=None if part.message is None else _moved(part.message, offset),
    )


def with_prefix(prefix: bytes, raw: bytes, structure: MessageStructure) -> MessageStructure:
    """The structure of ``prefix + raw``, given ``structure``, the one of ``raw``."""
    if not prefix:
        return structure
    if not _movable(prefix, raw):
        return parse_message(prefix + raw)
    offset = len(prefix)
    return MessageStructure(
        envelope=structure.envelope,
        body=_moved(structure.body, offset, root=True),
        header_end=structure.header_end + offset,
    )
