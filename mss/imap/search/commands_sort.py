"""SORT and THREAD (RFC 5256 §3) and their UID forms, with ESORT's ``RETURN (...)`` (RFC 5267
§3.2).

``SORT [RETURN (opts)] (criteria) charset search-keys`` and ``THREAD algorithm charset
search-keys``; the charset is mandatory in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Self

from mss.imap.search.parse_search import SearchKey, charset_of, search_keys
from mss.imap.selected.commands_selected import RESULT_OPTIONS, SAVE, UPDATE, return_options
from mss.imap.wire.command import ParseOptions, SelectedCommand
from mss.imap.wire.grammar import Buffer, keyword, parenthesised, sp

# RFC 5256 §3 sort keys, and RFC 5957 §3 DISPLAYFROM / DISPLAYTO.
SORT_KEYS: Final = frozenset(
    {"ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO"}
)
THREAD_ALGORITHMS: Final = ("ORDEREDSUBJECT", "REFERENCES")


@dataclass(frozen=True, slots=True)
class SortCriterion:
    key: str
    reverse: bool


def _criterion(buf: Buffer) -> tuple[SortCriterion, Buffer]:
    """``["REVERSE" SP] sort-key``."""
    name, rest = keyword(buf)
    reverse = name == "REVERSE"
    if reverse:
        name, rest = keyword(sp(rest))
    if name not in SORT_KEYS:
        raise buf.error("Unknown sort key")
    return SortCriterion(name, reverse), rest


# SAVE (RFC 5182) is offered for SEARCH only.
SORT_RESULT_OPTIONS = RESULT_OPTIONS - {SAVE, UPDATE}


@dataclass(frozen=True, slots=True)
class Sort(SelectedCommand):
    """RFC 5256 §3 SORT; ``results`` set for ESORT (RFC 5267 §3.2), None otherwise."""

    name = "SORT"
    criteria: tuple[SortCriterion, ...]
    key: SearchKey
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
        results, partial, rest = return_options(buf, SORT_RESULT_OPTIONS, "SORT")
        criteria, rest = parenthesised(sp(rest), _criterion, allow_empty=False)
        charset, rest = charset_of(sp(rest))
        key, rest = search_keys(rest, "UTF-8" if options.utf8 else charset)
        return cls(tag, criteria, key, uid, results, partial), rest


@dataclass(frozen=True, slots=True)
class Thread(SelectedCommand):
    """RFC 5256 §3 THREAD."""

    name = "THREAD"
    algorithm: str
    key: SearchKey
    uid: bool = False

    @property
    def verb(self) -> str:
        return f"UID {self.name}" if self.uid else self.name

    @classmethod
    def parse(
        cls, tag: str, buf: Buffer, options: ParseOptions, *, uid: bool = False
    ) -> tuple[Self, Buffer]:
        algorithm, rest = keyword(sp(buf))
        if algorithm not in THREAD_ALGORITHMS:
            raise buf.error("Unknown threading algorithm")
        charset, rest = charset_of(sp(rest))
        key, rest = search_keys(rest, "UTF-8" if options.utf8 else charset)
        return cls(tag, algorithm, key, uid), rest
