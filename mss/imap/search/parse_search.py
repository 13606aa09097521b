"""SEARCH keys (RFC 3501 §6.4.4) as a small tree, with MODSEQ (RFC 7162 §3.1.5).

Keys that are shorthand for others are rewritten at parse time, so the server evaluates few
kinds: FROM/TO/CC/BCC/SUBJECT are HEADER searches, the flag keys are one ``SearchFlag``, NEW is
RECENT UNSEEN and OLD is NOT RECENT (all as RFC 3501 §6.4.4 defines them).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from mss.imap.wire import flags
from mss.imap.wire.codes import BADCHARSET, NO, Code
from mss.imap.wire.dates import date
from mss.imap.wire.errors import CommandError
from mss.imap.wire.grammar import MAX_MODSEQ, Buffer, astring, atom, keyword, number, quoted, sp
from mss.imap.wire.sequence import SequenceSet, sequence_set

# RFC 3501 §6.4.4: US-ASCII and UTF-8 must be supported; they are the only charsets here.
CHARSETS: Final = ("US-ASCII", "UTF-8")
# Deep nesting (NOT NOT NOT ..., or parentheses) would only exhaust the stack.
MAX_DEPTH: Final = 32

DateField = Literal["internal", "sent"]
DateRelation = Literal["before", "on", "since"]


@dataclass(frozen=True, slots=True)
class SearchAll:
    """ALL: every message."""


@dataclass(frozen=True, slots=True)
class SearchFlag:
    """A flag set (``present``) or not: ANSWERED, UNSEEN, KEYWORD x, RECENT, OLD..."""

    flag: str
    present: bool = True


@dataclass(frozen=True, slots=True)
class SearchDate:
    """BEFORE/ON/SINCE on the internal date, SENTBEFORE/SENTON/SENTSINCE on the Date header.

    RFC 3501 §6.4.4: dates only, the time and timezone disregarded.
    """

    field: DateField
    relation: DateRelation
    value: datetime.date


@dataclass(frozen=True, slots=True)
class SearchHeader:
    """HEADER field string: the field contains ``value`` (any value when it is empty)."""

    field: str
    value: str


@dataclass(frozen=True, slots=True)
class SearchText:
    """BODY string (``body_only``) or TEXT string (header and body)."""

    value: str
    body_only: bool


@dataclass(frozen=True, slots=True)
class SearchSize:
    """LARGER n (``larger``) or SMALLER n: the RFC822.SIZE compared with ``size``."""

    larger: bool
    size: int


@dataclass(frozen=True, slots=True)
class SearchSequence:
    """A sequence set of message numbers, or of UIDs after the UID key."""

    numbers: SequenceSet
    uid: bool


@dataclass(frozen=True, slots=True)
class SearchModSeq:
    """RFC 7162 §3.1.5 MODSEQ [entry-name entry-type] n: changed at ``modseq`` or later."""

    modseq: int
    entry: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class SearchNot:
    """NOT key."""

    key: SearchKey


@dataclass(frozen=True, slots=True)
class SearchOr:
    """OR key1 key2."""

    left: SearchKey
    right: SearchKey


@dataclass(frozen=True, slots=True)
class SearchAnd:
    """Keys side by side, or in parentheses: all must match."""

    keys: tuple[SearchKey, ...]


SearchKey = (
    SearchAll | SearchFlag | SearchDate | SearchHeader | SearchText | SearchSize
    | SearchSequence | SearchModSeq | SearchNot | SearchOr | SearchAnd
)  # fmt: skip

_FLAG_KEYS: Final = {
    "ANSWERED": SearchFlag(flags.ANSWERED), "UNANSWERED": SearchFlag(flags.ANSWERED, False),
    "DELETED": SearchFlag(flags.DELETED), "UNDELETED": SearchFlag(flags.DELETED, False),
    "DRAFT": SearchFlag(flags.DRAFT), "UNDRAFT": SearchFlag(flags.DRAFT, False),
    "FLAGGED": SearchFlag(flags.FLAGGED), "UNFLAGGED": SearchFlag(flags.FLAGGED, False),
    "SEEN": SearchFlag(flags.SEEN), "UNSEEN": SearchFlag(flags.SEEN, False),
    "RECENT": SearchFlag(flags.RECENT), "OLD": SearchFlag(flags.RECENT, False),
}  # fmt: skip
_HEADER_KEYS: Final = frozenset({"FROM", "TO", "CC", "BCC", "SUBJECT"})
_DATE_KEYS: Final[dict[str, tuple[DateField, DateRelation]]] = {
    "BEFORE": ("internal", "before"), "ON": ("internal", "on"), "SINCE": ("internal", "since"),
    "SENTBEFORE": ("sent", "before"), "SENTON": ("sent", "on"), "SENTSINCE": ("sent", "since"),
}  # fmt: skip


Handler = Callable[["_KeyParser", Buffer, int], tuple["SearchKey", Buffer]]


class _KeyParser:
    """Reads keys with one charset, counting depth so that nesting stays bounded."""

    def __init__(self, charset: str) -> None:
        self.charset = charset

    def text(self, buf: Buffer) -> tuple[str, Buffer]:
        """A search string (astring) decoded with the command's charset."""
        value, rest = astring(buf)
        try:
            return value.decode("utf-8" if self.charset == "UTF-8" else "ascii"), rest
        except UnicodeDecodeError:
            raise buf.error(f"Search string is not {self.charset}") from None

    def keys(self, buf: Buffer, depth: int, closing: bytes) -> tuple[SearchKey, Buffer]:
        """``search-key *(SP search-key)`` up to ``closing`` (")" or the end)."""
        found: list[SearchKey] = []
        rest = buf
        while True:
            value, rest = self.key(rest, depth)
            found.append(value)
            if rest.peek() != b" ":
                break
            rest = sp(rest)
        if rest.peek() != closing:
            raise rest.error("Expected a search key")
        return (found[0] if len(found) == 1 else SearchAnd(tuple(found))), rest

    def key(self, buf: Buffer, depth: int) -> tuple[SearchKey, Buffer]:
        """RFC 3501 §9 search-key."""
        if depth > MAX_DEPTH:
            raise buf.error("Search keys nested too deeply")
        if buf.peek() == b"(":
            value, rest = self.keys(buf.skip(1), depth + 1, b")")
            return value, rest.skip(1)
        if buf.peek().isdigit() or buf.peek() in (b"*", b"$"):
            numbers, rest = sequence_set(buf)
            return SearchSequence(numbers, uid=False), rest
        name, rest = keyword(buf)
        handler = _HANDLERS.get(name)
        if handler is not None:
            return handler(self, rest, depth)
        if name == "ALL":
            return SearchAll(), rest
        if name == "NEW":
            return SearchAnd((SearchFlag(flags.RECENT), SearchFlag(flags.SEEN, False))), rest
        if name in _FLAG_KEYS:
            return _FLAG_KEYS[name], rest
        if name in _HEADER_KEYS:
            text, rest = self.text(sp(rest))
            return SearchHeader(name, text), rest
        if name in _DATE_KEYS:
            when, rest = date(sp(rest))
            return SearchDate(*_DATE_KEYS[name], when), rest
        raise buf.error("Unknown search key")


def _not(parser: _KeyParser, buf: Buffer, depth: int) -> tuple[SearchKey, Buffer]:
    value, rest = parser.key(sp(buf), depth + 1)
    return SearchNot(value), rest


def _or(parser: _KeyParser, buf: Buffer, depth: int) -> tuple[SearchKey, Buffer]:
    left, rest = parser.key(sp(buf), depth + 1)
    right, rest = parser.key(sp(rest), depth + 1)
    return SearchOr(left, right), rest


def _keyword(present: bool) -> Handler:
    def parse(parser: _KeyParser, buf: Buffer, depth: int) -> tuple[SearchKey, Buffer]:
        value, rest = flags.flag(sp(buf))
        return SearchFlag(value, present), rest

    return parse


def _header(parser: _KeyParser, buf: Buffer, depth: int) -> tuple[SearchKey, Buffer]:
    field, rest = parser.text(sp(buf))
    value, rest = parser.text(sp(rest))
    return SearchHeader(field.upper(), value), rest


def _text(body_only: bool) -> Handler:
    def parse(parser: _KeyParser, buf: Buffer, depth: int) -> tuple[SearchKey, Buffer]:
        value, rest = parser.text(sp(buf))
        return SearchText(value, body_only), rest

    return parse


def _size(larger: bool) -> Handler:
    def parse(parser: _KeyParser, buf: Buffer, depth: int) -> tuple[SearchKey, Buffer]:
        value, rest = number(sp(buf))
        return SearchSize(larger, value), rest

    return parse


def _uid(parser: _KeyParser, buf: Buffer, depth: int) -> tuple[SearchKey, Buffer]:
    numbers, rest = sequence_set(sp(buf))
    return SearchSequence(numbers, uid=True), rest


def _modseq(parser: _KeyParser, buf: Buffer, depth: int) -> tuple[SearchKey, Buffer]:
    rest = sp(buf)
    entry = None
    if rest.peek() == b'"':
        # RFC 7162 §3.1.5: entry-name is a quoted flag name, entry-type priv, shared or all.
        name, rest = quoted(rest)
        kind, rest = atom(sp(rest))
        if kind.lower() not in ("priv", "shared", "all"):
            raise rest.error("Expected priv, shared or all")
        entry = (name.decode("utf-8", "replace"), kind.lower())
        rest = sp(rest)
    value, rest = number(rest, limit=MAX_MODSEQ)
    return SearchModSeq(value, entry), rest


_HANDLERS: Final[dict[str, Handler]] = {
    "NOT": _not,
    "OR": _or,
    "KEYWORD": _keyword(True),
    "UNKEYWORD": _keyword(False),
    "HEADER": _header,
    "BODY": _text(True),
    "TEXT": _text(False),
    "LARGER": _size(True),
    "SMALLER": _size(False),
    "UID": _uid,
    "MODSEQ": _modseq,
}


def charset_of(buf: Buffer) -> tuple[str, Buffer]:
    """The CHARSET argument; an unknown one is NO [BADCHARSET (...)] (RFC 3501 §6.4.4)."""
    value, rest = astring(buf)
    name = value.decode("ascii", "replace").upper()
    if name not in CHARSETS:
        raise CommandError(NO, Code(BADCHARSET, b"(US-ASCII UTF-8)"), "Unsupported charset")
    return name, rest


def search_keys(buf: Buffer, charset: str) -> tuple[SearchKey, Buffer]:
    """``1*(SP search-key)`` read up to the end of the command, all keys ANDed."""
    return _KeyParser(charset).keys(sp(buf), 0, b"")
