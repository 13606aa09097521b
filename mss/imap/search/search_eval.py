"""Evaluating SEARCH keys (RFC 3501 §6.4.4) against one message.

Most keys need only the metadata the store keeps in the clear. Header keys need the header
block (in the encrypted summary) and BODY/TEXT the decoded text of the body (the content): the
caller asks ``needs`` once per command, loads only that, and evaluation itself never waits.
"""

from __future__ import annotations

import datetime
import email.utils
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from typing import Final

from mss.imap.fetch.message_sections import header_items
from mss.imap.search.parse_search import (
    SearchAll,
    SearchAnd,
    SearchDate,
    SearchFlag,
    SearchHeader,
    SearchKey,
    SearchModSeq,
    SearchNot,
    SearchOr,
    SearchSequence,
    SearchSize,
    SearchText,
)
from mss.mime.charset import header_str

_ADDRESS_FIELDS: Final = frozenset({"FROM", "TO", "CC", "BCC", "SENDER", "REPLY-TO"})


@dataclass(frozen=True, slots=True)
class Needs:
    """What a search must load beyond metadata."""

    header: bool = False
    body: bool = False

    def __or__(self, other: Needs) -> Needs:
        return Needs(self.header or other.header, self.body or other.body)


def needs(key: SearchKey) -> Needs:
    """The content ``key`` reads: header keys the header block, BODY the body, TEXT both."""
    match key:
        case SearchHeader() | SearchDate() | SearchSize():
            # Exact internal dates and sizes are in the summary, beside the header block.
            return Needs(header=True)
        case SearchText(body_only=body_only):
            return Needs(header=not body_only, body=True)
        case SearchNot(key=inner):
            return needs(inner)
        case SearchOr(left=left, right=right):
            return needs(left) | needs(right)
        case SearchAnd(keys=keys):
            found = Needs()
            for inner in keys:
                found |= needs(inner)
            return found
    return Needs()


@dataclass(frozen=True, slots=True)
class SearchTarget:
    """One message as a search sees it; ``header``/``texts`` are set when ``needs`` asked."""

    seq: int
    uid: int
    flags: frozenset[str]
    internal_date: int
    size: int
    modseq: int
    header: bytes = b""
    texts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchScope:
    """What ``*`` means during this search (RFC 3501 §6.4.8)."""

    largest_seq: int
    largest_uid: int
    saved: frozenset[int] = frozenset()  # RFC 5182: what "$" stands for


def decoded_header_value(value: bytes) -> str:
    """A field value as a person reads it: encoded words (RFC 2047) decoded."""
    text = header_str(value)
    try:
        return str(make_header(decode_header(text)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return text


def _contains(haystack: str, needle: str) -> bool:
    """RFC 3501 §6.4.4: "case-insensitive" substring match; casefold covers non-ASCII too."""
    return needle.casefold() in haystack.casefold()


def _addresses_text(value: str) -> str:
    """An address field as its addresses, comments and folding gone: "Name <local@domain>".

    RFC 5322 §3.4 lets comments and spaces sit inside an address ("user (pro) @ host"), where
    no substring of the raw field equals the address the user types; imaptest's
    search-addresses expects FROM/TO/CC/BCC to find it, as Dovecot does.
    """
    found = email.utils.getaddresses([value])
    return "\n".join(f"{name} <{address}>" if name else address for name, address in found)


def _field_contains(field: str, value: str, needle: str) -> bool:
    """RFC 3501 §6.4.4 header keys; address fields also match their parsed addresses."""
    if _contains(value, needle):
        return True
    return field in _ADDRESS_FIELDS and _contains(_addresses_text(value), needle)


def _sent_date(header: bytes) -> datetime.date | None:
    """The Date field's day, as written in its own timezone (RFC 3501 §6.4.4 SENT*)."""
    for name, value in header_items(header):
        if name == "DATE":
            try:
                return email.utils.parsedate_to_datetime(header_str(value)).date()
            except (TypeError, ValueError, IndexError):
                return None
    return None


def _compare(day: datetime.date | None, key: SearchDate) -> bool:
    """BEFORE, ON or SINCE a day; a message without a date matches none of them."""
    if day is None:
        return False
    if key.relation == "before":
        return day < key.value
    if key.relation == "on":
        return day == key.value
    return day >= key.value


def matches(key: SearchKey, target: SearchTarget, scope: SearchScope) -> bool:
    """Whether ``target`` satisfies ``key``."""
    match key:
        case SearchAll():
            return True
        case SearchFlag(flag=flag, present=present):
            # RFC 3501 §2.3.2: keywords, like flags, compare case-insensitively.
            found = any(f.upper() == flag.upper() for f in target.flags)
            return found == present
        case SearchSequence(numbers=numbers) if numbers.saved:
            return target.uid in scope.saved
        case SearchSequence(numbers=numbers, uid=True):
            return numbers.contains(target.uid, scope.largest_uid)
        case SearchSequence(numbers=numbers):
            return numbers.contains(target.seq, scope.largest_seq)
        case SearchSize(larger=larger, size=size):
            return target.size > size if larger else target.size < size
        case SearchModSeq(modseq=modseq):
            # RFC 7162 §3.1.5: messages whose mod-sequence is equal to or greater than n.
            return target.modseq >= modseq
        case SearchDate(field="internal"):
            # RFC 3501 §6.4.4: dates disregard time and timezone; internal dates count in UTC.
            day = datetime.datetime.fromtimestamp(target.internal_date, datetime.UTC).date()
            return _compare(day, key)
        case SearchDate():
            return _compare(_sent_date(target.header), key)
        case SearchHeader(field=field, value=value):
            return any(
                name == field and _field_contains(field, decoded_header_value(raw), value)
                for name, raw in header_items(target.header)
            )
        case SearchText(value=value, body_only=body_only):
            if any(_contains(text, value) for text in target.texts):
                return True
            return not body_only and any(
                _contains(decoded_header_value(raw), value)
                for _, raw in header_items(target.header)
            )
        case SearchNot(key=inner):
            return not matches(inner, target, scope)
        case SearchOr(left=left, right=right):
            return matches(left, target, scope) or matches(right, target, scope)
        case SearchAnd(keys=keys):
            return all(matches(inner, target, scope) for inner in keys)
    return False
