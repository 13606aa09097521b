"""Body sections sliced from the raw message, and search keys evaluated on one message."""

from __future__ import annotations

import datetime
from dataclasses import replace

from mss.imap.fetch.message_sections import header_fields, header_only, section_octets
from mss.imap.fetch.parse_fetch import Section
from mss.imap.search.parse_search import (
    SearchDate,
    SearchHeader,
    SearchKey,
    SearchModSeq,
    SearchNot,
    SearchOr,
    SearchText,
    search_keys,
)
from mss.imap.search.search_eval import Needs, SearchScope, SearchTarget, matches, needs
from mss.imap.wire.grammar import Buffer
from mss.mime import parse_message

from .messages import NESTED

HEADER = (
    b"Received: from a\r\n by b\r\n"
    b"From: Dr Martin <martin@hopital.example>\r\n"
    b"Subject: =?utf-8?q?R=C3=A9sultats?=\r\n"
    b"Date: Tue, 24 Nov 2026 23:30:00 -0500\r\n"
    b"X-Empty:\r\n"
    b"\r\n"
)


def test_header_fields_keep_folding_and_end_with_a_blank_line() -> None:
    assert header_fields(HEADER, ("received", "SUBJECT"), exclude=False) == (
        b"Received: from a\r\n by b\r\nSubject: =?utf-8?q?R=C3=A9sultats?=\r\n\r\n"
    )
    assert header_fields(HEADER, ("RECEIVED", "FROM", "SUBJECT", "DATE"), exclude=True) == (
        b"X-Empty:\r\n\r\n"
    )
    assert header_fields(HEADER, ("NONE",), exclude=False) == b"\r\n"


def test_sections_that_need_only_the_header() -> None:
    assert header_only(Section(text="HEADER.FIELDS", fields=("FROM",)))
    assert not header_only(Section((1,), "HEADER"))
    assert not header_only(Section())
    structure = parse_message(NESTED)
    header = NESTED[: structure.header_end]
    fields = Section(text="HEADER.FIELDS", fields=("MESSAGE-ID",))
    assert section_octets(header, structure, fields) == b"Message-ID: <fwd@hopital.example>\r\n\r\n"
    assert section_octets(NESTED, structure, Section((3,))) is None
    assert section_octets(NESTED, structure, Section((1,), "HEADER")) is None


INTERNAL = datetime.datetime(2026, 11, 24, 23, 0, tzinfo=datetime.UTC)
TARGET = SearchTarget(
    seq=2,
    uid=20,
    flags=frozenset({"\\Seen", "$Label"}),
    internal_date=int(INTERNAL.timestamp()),
    size=1000,
    modseq=7,
    header=HEADER,
    texts=("Glycémie normale.",),
)


def key(text: bytes, charset: str = "UTF-8") -> SearchKey:
    value, _ = search_keys(Buffer.from_line(b" " + text), charset)
    return value


SCOPE = SearchScope(largest_seq=5, largest_uid=50)


def test_flags_sizes_sequences_modseq() -> None:
    assert matches(key(b"SEEN KEYWORD $label"), TARGET, SCOPE)
    assert not matches(key(b"UNSEEN"), TARGET, SCOPE)
    assert matches(key(b"LARGER 999 SMALLER 1001"), TARGET, SCOPE)
    assert matches(key(b"2 UID 20:*"), TARGET, SCOPE)
    assert not matches(key(b"3:*"), TARGET, SCOPE)
    assert matches(key(b"MODSEQ 7"), TARGET, SCOPE)
    assert not matches(SearchModSeq(8), TARGET, SCOPE)


def test_dates_ignore_time_and_zone() -> None:
    # Internal dates count in UTC; the Date header in its own zone (RFC 3501 §6.4.4).
    assert matches(key(b"ON 24-Nov-2026"), TARGET, SCOPE)
    assert matches(key(b"SENTON 24-Nov-2026"), TARGET, SCOPE)
    assert matches(key(b"SENTSINCE 24-Nov-2026 SENTBEFORE 25-Nov-2026"), TARGET, SCOPE)
    assert not matches(
        key(b"SENTON 24-Nov-2026"), replace(TARGET, header=b"Subject: x\r\n\r\n"), SCOPE
    )


def test_headers_are_decoded_and_compared_ignoring_case() -> None:
    assert matches(key('SUBJECT "RÉSULTATS"'.encode()), TARGET, SCOPE)
    assert matches(key(b"FROM MARTIN@HOPITAL"), TARGET, SCOPE)
    assert matches(key(b'HEADER X-Empty ""'), TARGET, SCOPE)
    assert not matches(key(b'HEADER X-Missing ""'), TARGET, SCOPE)


def test_text_searches_body_and_header() -> None:
    assert matches(SearchText("glycémie", body_only=True), TARGET, SCOPE)
    assert matches(SearchText("martin", body_only=False), TARGET, SCOPE)
    assert not matches(SearchText("martin", body_only=True), TARGET, SCOPE)


def test_needs() -> None:
    assert needs(key(b"SEEN 1:5")) == Needs()
    assert needs(SearchNot(SearchHeader("FROM", "x"))) == Needs(header=True)
    today = datetime.date.today()
    assert needs(SearchOr(SearchText("x", True), SearchDate("sent", "on", today))) == Needs(
        header=True, body=True
    )
    assert needs(SearchText("x", body_only=False)) == Needs(header=True, body=True)
