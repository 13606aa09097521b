"""FETCH data items (RFC 3501 §6.4.5) and their names in FETCH responses (§7.4.2).

Every item, with the macros expanded at parse time so that the server sees only real items:
ALL, FAST and FULL never reach it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from mss.imap.wire.grammar import Buffer, astring, number, nz_number, parenthesised, sp

ENVELOPE: Final = "ENVELOPE"
FLAGS: Final = "FLAGS"
INTERNALDATE: Final = "INTERNALDATE"
RFC822: Final = "RFC822"
RFC822_HEADER: Final = "RFC822.HEADER"
RFC822_SIZE: Final = "RFC822.SIZE"
RFC822_TEXT: Final = "RFC822.TEXT"
BODY: Final = "BODY"
BINARY: Final = "BINARY"  # RFC 3516 §4.2
BINARY_SIZE: Final = "BINARY.SIZE"
_BINARY_PART = re.compile(rb"[1-9][0-9]{0,8}(?:\.[1-9][0-9]{0,8})*")
BODYSTRUCTURE: Final = "BODYSTRUCTURE"
UID: Final = "UID"
MODSEQ: Final = "MODSEQ"  # RFC 7162 §3.1.4.1
SIMPLE_ITEMS: Final = frozenset(
    {ENVELOPE, FLAGS, INTERNALDATE, RFC822, RFC822_HEADER, RFC822_SIZE, RFC822_TEXT,
     BODY, BODYSTRUCTURE, UID, MODSEQ}
)  # fmt: skip

# RFC 3501 §6.4.5: the macros, which "cannot be combined with other data items".
MACROS: Final = {
    "ALL": (FLAGS, INTERNALDATE, RFC822_SIZE, ENVELOPE),
    "FAST": (FLAGS, INTERNALDATE, RFC822_SIZE),
    "FULL": (FLAGS, INTERNALDATE, RFC822_SIZE, ENVELOPE, BODY),
}

# Section texts (RFC 3501 §9 section-msgtext and section-text).
HEADER: Final = "HEADER"
HEADER_FIELDS: Final = "HEADER.FIELDS"
HEADER_FIELDS_NOT: Final = "HEADER.FIELDS.NOT"
TEXT: Final = "TEXT"
MIME: Final = "MIME"

_ITEM_NAME = re.compile(rb"[A-Za-z0-9.]+")
_SECTION = re.compile(
    rb"(?P<part>[1-9][0-9]{0,8}(?:\.[1-9][0-9]{0,8})*)?"
    rb"(?(part)(?:\.(?P<ptext>HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME))?"
    rb"|(?P<text>HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT)?)",
    re.IGNORECASE,
)
# RFC 5322 §3.6.8: a field name is printable US-ASCII except ":".
_FIELD_NAME = re.compile(rb"[!-9;-~]+")
MAX_PART_DEPTH = 32


@dataclass(frozen=True, slots=True)
class Section:
    """RFC 3501 §6.4.5 section: a part path, then HEADER, HEADER.FIELDS[.NOT], TEXT or MIME."""

    part: tuple[int, ...] = ()
    text: str | None = None
    fields: tuple[str, ...] = ()

    def render(self) -> bytes:
        """The section spec as a response names it (RFC 3501 §7.4.2), field names upper-case."""
        pieces = [".".join(str(n) for n in self.part)] if self.part else []
        if self.text is not None:
            pieces.append(self.text)
        spec = ".".join(pieces)
        if self.text in (HEADER_FIELDS, HEADER_FIELDS_NOT):
            spec += " (" + " ".join(self.fields) + ")"
        return spec.encode("ascii")


@dataclass(frozen=True, slots=True)
class FetchItem:
    """One FETCH data item.

    ``section`` is set for ``BODY[...]`` and ``BODY.PEEK[...]`` only; ``partial`` is the
    ``<origin.count>`` of a partial fetch (RFC 3501 §6.4.5).
    """

    name: str
    section: Section | None = None
    partial: tuple[int, int] | None = None
    peek: bool = False

    def response_name(self) -> bytes:
        """How the item is named in the FETCH response (RFC 3501 §7.4.2).

        BODY.PEEK is answered as BODY, and a partial fetch names only its origin: ``BODY[]<0>``.
        """
        if self.section is None:
            return self.name.encode("ascii")
        name = self.name.encode("ascii") + b"[" + self.section.render() + b"]"
        if self.partial is not None:
            name += b"<%d>" % self.partial[0]
        return name

    def sets_seen(self) -> bool:
        """RFC 3501 §6.4.5: BODY[...], RFC822 and RFC822.TEXT set \\Seen; PEEK forms do not."""
        if self.section is not None:
            return not self.peek
        return self.name in (RFC822, RFC822_TEXT)


def _field_name(buf: Buffer) -> tuple[str, Buffer]:
    """RFC 3501 §9 header-fld-name = astring, which must be an RFC 5322 field name."""
    value, rest = astring(buf)
    if _FIELD_NAME.fullmatch(value) is None:
        raise buf.error("Expected a header field name")
    return value.decode("ascii").upper(), rest


def section(buf: Buffer) -> tuple[Section, Buffer]:
    """RFC 3501 §9 section = "[" [section-spec] "]"."""
    if buf.peek() != b"[":
        raise buf.error("Expected '['")
    rest = buf.skip(1)
    match = rest.match(_SECTION)
    if match is None:
        raise rest.error("Malformed section")
    part = tuple(int(n) for n in match.group("part").split(b".")) if match.group("part") else ()
    if len(part) > MAX_PART_DEPTH:
        raise rest.error("Section part path too deep")
    text_bytes = match.group("ptext") or match.group("text")
    text = text_bytes.decode("ascii").upper() if text_bytes else None
    rest = rest.after(match)
    fields: tuple[str, ...] = ()
    if text in (HEADER_FIELDS, HEADER_FIELDS_NOT):
        fields, rest = parenthesised(sp(rest), _field_name, allow_empty=False)
    if rest.peek() != b"]":
        raise rest.error("Expected ']' to end the section")
    return Section(part, text, fields), rest.skip(1)


def _binary_section(buf: Buffer) -> tuple[Section, Buffer]:
    """RFC 3516 §6 section-binary = "[" [section-part] "]": part numbers only."""
    if buf.peek() != b"[":
        raise buf.error("Expected '['")
    rest = buf.skip(1)
    match = rest.match(_BINARY_PART)
    part: tuple[int, ...] = ()
    if match is not None:
        part = tuple(int(n) for n in match.group().split(b"."))
        if len(part) > MAX_PART_DEPTH:
            raise rest.error("Section part path too deep")
        rest = rest.after(match)
    if rest.peek() != b"]":
        raise rest.error("Expected ']' to end the section")
    return Section(part), rest.skip(1)


def _partial(buf: Buffer) -> tuple[tuple[int, int] | None, Buffer]:
    """RFC 3501 §9 ``"<" number "." nz-number ">"``."""
    if buf.peek() != b"<":
        return None, buf
    origin, rest = number(buf.skip(1))
    if rest.peek() != b".":
        raise rest.error("Expected '.' in a partial range")
    count, rest = nz_number(rest.skip(1))
    if rest.peek() != b">":
        raise rest.error("Expected '>' to end a partial range")
    return (origin, count), rest.skip(1)


def fetch_item(buf: Buffer) -> tuple[FetchItem, Buffer]:
    """RFC 3501 §9 fetch-att, with RFC 7162 §3.1.4.1 MODSEQ."""
    match = buf.match(_ITEM_NAME)
    if match is None:
        raise buf.error("Expected a FETCH item")
    name = match.group().decode("ascii").upper()
    rest = buf.after(match)
    if name in (BODY, "BODY.PEEK") and rest.peek() == b"[":
        spec, rest = section(rest)
        partial, rest = _partial(rest)
        return FetchItem(BODY, spec, partial, name == "BODY.PEEK"), rest
    if name in (BINARY, "BINARY.PEEK", BINARY_SIZE):
        spec, rest = _binary_section(rest)
        if name == BINARY_SIZE:
            return FetchItem(BINARY_SIZE, spec, None, True), rest  # RFC 3516 §4.2: sets no flag
        partial, rest = _partial(rest)
        return FetchItem(BINARY, spec, partial, name == "BINARY.PEEK"), rest
    if name not in SIMPLE_ITEMS:
        raise buf.error("Unknown FETCH item")
    return FetchItem(name), rest


def fetch_items(buf: Buffer) -> tuple[tuple[FetchItem, ...], Buffer]:
    """``ALL / FULL / FAST / fetch-att / "(" fetch-att *(SP fetch-att) ")"``."""
    if buf.peek() == b"(":
        return parenthesised(buf, fetch_item, allow_empty=False)
    match = buf.match(_ITEM_NAME)
    macro = MACROS.get(match.group().decode("ascii").upper()) if match else None
    if match is not None and macro is not None:
        return tuple(FetchItem(name) for name in macro), buf.after(match)
    item, rest = fetch_item(buf)
    return (item,), rest
