"""Commands valid while a mailbox is selected (RFC 3501 §6.4) and their UID forms (§6.4.8):
CHECK, CLOSE, UNSELECT (RFC 3691), EXPUNGE, UID EXPUNGE (RFC 4315), SEARCH with ESEARCH
(RFC 4731) and its contexts (RFC 5267 §4, with CANCELUPDATE), FETCH and STORE with
CONDSTORE/QRESYNC modifiers (RFC 7162), COPY, MOVE (RFC 6851).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, Self

from mss.imap.fetch.parse_fetch import FetchItem, fetch_items
from mss.imap.search.parse_search import SearchKey, charset_of, search_keys
from mss.imap.wire.command import ParseOptions, SelectedCommand
from mss.imap.wire.errors import ParseError
from mss.imap.wire.flags import store_flags
from mss.imap.wire.grammar import (
    MAX_MODSEQ,
    Buffer,
    keyword,
    maybe,
    number,
    nz_number,
    parenthesised,
    sp,
    string,
    token,
)
from mss.imap.wire.mailbox import mailbox
from mss.imap.wire.sequence import SequenceSet, sequence_set

# RFC 4731 §3.1: the ESEARCH result options.
MIN: Final = "MIN"
MAX: Final = "MAX"
ALL: Final = "ALL"
COUNT: Final = "COUNT"
SAVE: Final = "SAVE"  # RFC 5182 §2.2
PARTIAL: Final = "PARTIAL"  # RFC 5267 §4.4
UPDATE: Final = "UPDATE"  # RFC 5267 §4.3
RESULT_OPTIONS: Final = frozenset({MIN, MAX, ALL, COUNT, SAVE, PARTIAL, UPDATE})


@dataclass(frozen=True, slots=True)
class Check(SelectedCommand):
    """RFC 3501 §6.4.1."""

    name = "CHECK"


@dataclass(frozen=True, slots=True)
class Close(SelectedCommand):
    """RFC 3501 §6.4.2: expunge silently (unless read-only) and leave the selected state."""

    name = "CLOSE"


@dataclass(frozen=True, slots=True)
class Unselect(SelectedCommand):
    """RFC 3691 §2: leave the selected state without expunging."""

    name = "UNSELECT"


@dataclass(frozen=True, slots=True)
class Expunge(SelectedCommand):
    """RFC 3501 §6.4.3."""

    name = "EXPUNGE"


@dataclass(frozen=True, slots=True)
class UidExpunge(SelectedCommand):
    """RFC 4315 §2.1: expunge only the \\Deleted messages among ``uids``."""

    name = "UID EXPUNGE"
    uids: SequenceSet

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        uids, rest = sequence_set(sp(buf))
        return cls(tag, uids), rest


def _partial_range(buf: Buffer) -> tuple[tuple[int, int], Buffer]:
    """RFC 5267 §4.4 partial-range = nz-number ":" nz-number, either way round."""
    low, rest = nz_number(buf)
    high, rest = nz_number(token(rest, b":"))
    return (min(low, high), max(low, high)), rest


def return_options(
    buf: Buffer, allowed: frozenset[str], command: str
) -> tuple[frozenset[str] | None, tuple[int, int] | None, Buffer]:
    """An optional ``RETURN (...)`` (RFC 4731 §3.1, RFC 5267 §3.2): None when absent, and
    ``RETURN ()`` means ALL; then the range of ``PARTIAL`` (RFC 5267 §4.4), if asked for."""
    after_return = maybe(buf, b" RETURN ")
    if after_return is None:
        return None, None, buf
    ranges: list[tuple[int, int]] = []

    def option(item: Buffer) -> tuple[str, Buffer]:
        value, rest = keyword(item)
        if value not in allowed:
            raise item.error(f"Unknown {command} RETURN option")
        if value == PARTIAL:
            found, rest = _partial_range(sp(rest))
            ranges.append(found)
        return value, rest

    chosen, rest = parenthesised(after_return, option)
    return frozenset(chosen) or frozenset({ALL}), (ranges[-1] if ranges else None), rest


@dataclass(frozen=True, slots=True)
class Search(SelectedCommand):
    """RFC 3501 §6.4.4 SEARCH, and RFC 4731 §3.1 ``SEARCH RETURN (...)``.

    ``results`` is None for a plain SEARCH (answered by ``* SEARCH``) and the set of
    requested options for ESEARCH; ``RETURN ()`` means ALL.
    """

    name = "SEARCH"
    key: SearchKey
    charset: str = "US-ASCII"
    uid: bool = False
    results: frozenset[str] | None = None
    partial: tuple[int, int] | None = None

    @property
    def verb(self) -> str:
        return f"UID {self.name}" if self.uid else self.name

    @classmethod
    def parse(
        cls, tag: str, buf: Buffer, options: ParseOptions, *, uid: bool = False
    ) -> tuple[Self, Buffer]:
        results, partial, rest = return_options(buf, RESULT_OPTIONS, "SEARCH")
        # RFC 6855 §3: under UTF8=ACCEPT search strings are UTF-8 whatever CHARSET says.
        charset = "UTF-8" if options.utf8 else "US-ASCII"
        after_charset = maybe(rest, b" CHARSET ")
        if after_charset is not None:
            charset, rest = charset_of(after_charset)
        key, rest = search_keys(rest, charset)
        return cls(tag, key, charset, uid, results, partial), rest


@dataclass(frozen=True, slots=True)
class CancelUpdate(SelectedCommand):
    """RFC 5267 §4.3 ``CANCELUPDATE tag *(SP tag)``: stop the updates of those searches."""

    name = "CANCELUPDATE"
    tags: tuple[str, ...]

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        tags: list[str] = []
        rest = buf
        while not tags or rest.peek() == b" ":
            value, rest = string(sp(rest))
            tags.append(value.decode("ascii", "replace"))
        return cls(tag, tuple(tags)), rest


def _modifier(buf: Buffer, allowed: frozenset[str]) -> tuple[dict[str, int | None], Buffer]:
    """RFC 4466 §2.4 and RFC 7162 §3.1.3/§3.1.4: ``(name value ...)`` after FETCH or STORE."""
    found: dict[str, int | None] = {}

    def item(piece: Buffer) -> tuple[str, Buffer]:
        name, after = keyword(piece)
        if name not in allowed or name in found:
            raise piece.error("Unknown or repeated modifier")
        value = None
        if name != "VANISHED":
            value, after = number(sp(after), limit=MAX_MODSEQ)
        found[name] = value
        return name, after

    _, rest = parenthesised(buf, item, allow_empty=False)
    return found, rest


@dataclass(frozen=True, slots=True)
class Fetch(SelectedCommand):
    """RFC 3501 §6.4.5, with RFC 7162 §3.1.4.1 CHANGEDSINCE and §3.2.6 VANISHED."""

    name = "FETCH"
    sequence: SequenceSet
    items: tuple[FetchItem, ...]
    uid: bool = False
    changed_since: int | None = None
    vanished: bool = False

    @property
    def verb(self) -> str:
        return f"UID {self.name}" if self.uid else self.name

    @classmethod
    def parse(
        cls, tag: str, buf: Buffer, options: ParseOptions, *, uid: bool = False
    ) -> tuple[Self, Buffer]:
        sequence, rest = sequence_set(sp(buf))
        items, rest = fetch_items(sp(rest))
        modifiers: dict[str, int | None] = {}
        if rest.peek() == b" ":
            modifiers, rest = _modifier(sp(rest), frozenset({"CHANGEDSINCE", "VANISHED"}))
        vanished = "VANISHED" in modifiers
        # RFC 7162 §3.2.6: VANISHED only in UID FETCH, and only with CHANGEDSINCE.
        if vanished and (not uid or "CHANGEDSINCE" not in modifiers):
            raise ParseError("VANISHED needs UID FETCH and CHANGEDSINCE")
        return cls(tag, sequence, items, uid, modifiers.get("CHANGEDSINCE"), vanished), rest


StoreMode = Literal["replace", "add", "remove"]


@dataclass(frozen=True, slots=True)
class Store(SelectedCommand):
    """RFC 3501 §6.4.6 ``STORE set [(UNCHANGEDSINCE n)] [+|-]FLAGS[.SILENT] flags``."""

    name = "STORE"
    sequence: SequenceSet
    mode: StoreMode
    flags: tuple[str, ...]
    silent: bool = False
    uid: bool = False
    unchanged_since: int | None = None

    @property
    def verb(self) -> str:
        return f"UID {self.name}" if self.uid else self.name

    @classmethod
    def parse(
        cls, tag: str, buf: Buffer, options: ParseOptions, *, uid: bool = False
    ) -> tuple[Self, Buffer]:
        sequence, rest = sequence_set(sp(buf))
        rest = sp(rest)
        unchanged_since = None
        if rest.peek() == b"(":
            modifiers, rest = _modifier(rest, frozenset({"UNCHANGEDSINCE"}))
            unchanged_since = modifiers["UNCHANGEDSINCE"]
            rest = sp(rest)
        mode: StoreMode = "replace"
        if rest.peek() in (b"+", b"-"):
            mode = "add" if rest.peek() == b"+" else "remove"
            rest = rest.skip(1)
        item, after = keyword(rest)
        if item not in ("FLAGS", "FLAGS.SILENT"):
            raise rest.error("Expected FLAGS, +FLAGS or -FLAGS")
        flags, after = store_flags(sp(after))
        return cls(tag, sequence, mode, flags, item == "FLAGS.SILENT", uid, unchanged_since), after


@dataclass(frozen=True, slots=True)
class _Transfer(SelectedCommand):
    """The shape of COPY and MOVE: ``set mailbox``."""

    sequence: SequenceSet
    mailbox: str
    uid: bool = False

    @property
    def verb(self) -> str:
        return f"UID {self.name}" if self.uid else self.name

    @classmethod
    def parse(
        cls, tag: str, buf: Buffer, options: ParseOptions, *, uid: bool = False
    ) -> tuple[Self, Buffer]:
        sequence, rest = sequence_set(sp(buf))
        name, rest = mailbox(sp(rest), utf8=options.utf8)
        return cls(tag, sequence, name, uid), rest


@dataclass(frozen=True, slots=True)
class Copy(_Transfer):
    """RFC 3501 §6.4.7 ``COPY set mailbox``."""

    name = "COPY"


@dataclass(frozen=True, slots=True)
class Move(_Transfer):
    """RFC 6851 §3.1 ``MOVE set mailbox``: copy, then expunge the originals, atomically."""

    name = "MOVE"
