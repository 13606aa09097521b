"""Commands valid in any state: CAPABILITY, NOOP, LOGOUT (RFC 3501 §6.1) and ID (RFC 2971)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from mss.imap.wire.command import AnyStateCommand, ParseOptions
from mss.imap.wire.errors import ParseError
from mss.imap.wire.grammar import Buffer, maybe, nstring, parenthesised, sp, text_utf8

# RFC 2971 §3.3: at most 30 pairs, names of at most 30 octets, values of at most 1024.
ID_MAX_PAIRS = 30
ID_MAX_NAME = 30
ID_MAX_VALUE = 1024


@dataclass(frozen=True, slots=True)
class Capability(AnyStateCommand):
    """RFC 3501 §6.1.1."""

    name = "CAPABILITY"


@dataclass(frozen=True, slots=True)
class Noop(AnyStateCommand):
    """RFC 3501 §6.1.2: also the moment a client polls for mailbox updates (§5.2)."""

    name = "NOOP"


@dataclass(frozen=True, slots=True)
class Logout(AnyStateCommand):
    """RFC 3501 §6.1.3."""

    name = "LOGOUT"


@dataclass(frozen=True, slots=True)
class Id(AnyStateCommand):
    """RFC 2971 §3.1: ``ID ("name" "value" ...)`` or ``ID NIL``; the client tells who it is."""

    name = "ID"
    params: tuple[tuple[str, str | None], ...] | None

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        rest = sp(buf)
        after_nil = maybe(rest, b"NIL")
        if after_nil is not None:
            return cls(tag, None), after_nil
        values, rest = parenthesised(rest, nstring)
        if len(values) % 2:
            raise ParseError("ID needs name and value pairs")
        if len(values) > 2 * ID_MAX_PAIRS:
            raise ParseError("ID allows at most 30 pairs")
        pairs: list[tuple[str, str | None]] = []
        for field, value in zip(values[::2], values[1::2], strict=True):
            if field is None or len(field) > ID_MAX_NAME:
                raise ParseError("ID field names are strings of at most 30 octets")
            if value is not None and len(value) > ID_MAX_VALUE:
                raise ParseError("ID values are at most 1024 octets")
            pairs.append(
                (
                    text_utf8(field, buf, "ID field name"),
                    None if value is None else text_utf8(value, buf, "ID value"),
                )
            )
        return cls(tag, tuple(pairs)), rest
