"""Every SEARCH key of RFC 3501 §6.4.4, ESEARCH (RFC 4731) and MODSEQ (RFC 7162)."""

from __future__ import annotations

import datetime

import pytest

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
from mss.imap.selected.commands_selected import Search
from mss.imap.wire.command import ParseOptions
from mss.imap.wire.errors import CommandError, ParseError
from mss.imap.wire.grammar import Buffer
from mss.imap.wire.parse import parse_command
from mss.imap.wire.sequence import sequence_set

FEB_1 = datetime.date(1994, 2, 1)


def key(text: bytes) -> SearchKey:
    command = parse_command(b"t SEARCH " + text + b"\r\n")
    assert isinstance(command, Search)
    return command.key


def seq(text: bytes) -> SearchSequence:
    return SearchSequence(sequence_set(Buffer.from_line(text))[0], uid=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"ALL", SearchAll()),
        (b"ANSWERED", SearchFlag("\\Answered")),
        (b"BCC x", SearchHeader("BCC", "x")),
        (b"BEFORE 1-Feb-1994", SearchDate("internal", "before", FEB_1)),
        (b'BODY "a b"', SearchText("a b", body_only=True)),
        (b"CC x", SearchHeader("CC", "x")),
        (b"DELETED", SearchFlag("\\Deleted")),
        (b"DRAFT", SearchFlag("\\Draft")),
        (b"FLAGGED", SearchFlag("\\Flagged")),
        (b"FROM Smith", SearchHeader("FROM", "Smith")),
        (b'HEADER "Message-ID" "<a@b>"', SearchHeader("MESSAGE-ID", "<a@b>")),
        (b'HEADER X-Mailer ""', SearchHeader("X-MAILER", "")),
        (b"KEYWORD $Forwarded", SearchFlag("$Forwarded")),
        (b"LARGER 1024", SearchSize(larger=True, size=1024)),
        (b"NEW", SearchAnd((SearchFlag("\\Recent"), SearchFlag("\\Seen", False)))),
        (b"NOT SEEN", SearchNot(SearchFlag("\\Seen"))),
        (b"OLD", SearchFlag("\\Recent", False)),
        (b"ON 1-Feb-1994", SearchDate("internal", "on", FEB_1)),
        (b"OR SEEN FLAGGED", SearchOr(SearchFlag("\\Seen"), SearchFlag("\\Flagged"))),
        (b"RECENT", SearchFlag("\\Recent")),
        (b"SEEN", SearchFlag("\\Seen")),
        (b"SENTBEFORE 1-Feb-1994", SearchDate("sent", "before", FEB_1)),
        (b"SENTON 1-Feb-1994", SearchDate("sent", "on", FEB_1)),
        (b"SENTSINCE 1-Feb-1994", SearchDate("sent", "since", FEB_1)),
        (b"SINCE 1-Feb-1994", SearchDate("internal", "since", FEB_1)),
        (b"SMALLER 10", SearchSize(larger=False, size=10)),
        (b"SUBJECT {5+}\r\nhello", SearchHeader("SUBJECT", "hello")),
        (b"TEXT x", SearchText("x", body_only=False)),
        (b"TO x", SearchHeader("TO", "x")),
        (b"UID 5:*", SearchSequence(sequence_set(Buffer.from_line(b"5:*"))[0], uid=True)),
        (b"UNANSWERED", SearchFlag("\\Answered", False)),
        (b"UNDELETED", SearchFlag("\\Deleted", False)),
        (b"UNDRAFT", SearchFlag("\\Draft", False)),
        (b"UNFLAGGED", SearchFlag("\\Flagged", False)),
        (b"UNKEYWORD Junk", SearchFlag("Junk", False)),
        (b"UNSEEN", SearchFlag("\\Seen", False)),
        (b"2,4:7", seq(b"2,4:7")),
        (b"*", seq(b"*")),
        (b"(SEEN)", SearchFlag("\\Seen")),
        (b"(SEEN DRAFT)", SearchAnd((SearchFlag("\\Seen"), SearchFlag("\\Draft")))),
        (b"MODSEQ 620162338", SearchModSeq(620162338)),
    ],
)
def test_every_search_key(text: bytes, expected: SearchKey) -> None:
    assert key(text) == expected


def test_rfc3501_examples() -> None:
    # RFC 3501 §6.4.4.
    assert key(b'FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"') == SearchAnd(
        (
            SearchFlag("\\Flagged"),
            SearchDate("internal", "since", FEB_1),
            SearchNot(SearchHeader("FROM", "Smith")),
        )
    )
    assert key(b'TEXT "string not in mailbox"') == SearchText("string not in mailbox", False)
    command = parse_command(b"A284 SEARCH CHARSET UTF-8 TEXT {6}\r\nXXXXXX\r\n")
    assert command == Search("A284", SearchText("XXXXXX", False), "UTF-8")


def test_modseq_with_entry_rfc7162_example() -> None:
    # RFC 7162 §3.1.5: 'SEARCH MODSEQ "/flags/\\draft" all 620162338'.
    assert key(b'MODSEQ "/flags/\\\\draft" all 620162338') == SearchModSeq(
        620162338, ("/flags/\\draft", "all")
    )


def test_esearch_rfc4731_examples() -> None:
    command = parse_command(
        b'A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n'
    )
    assert isinstance(command, Search)
    assert command.results == frozenset({"MIN", "COUNT"})
    command = parse_command(b"A283 SEARCH RETURN () FLAGGED\r\n")
    assert isinstance(command, Search) and command.results == frozenset({"ALL"})
    command = parse_command(b"A284 UID SEARCH RETURN (MIN MAX) CHARSET US-ASCII 1:5\r\n")
    assert isinstance(command, Search)
    assert (command.uid, command.results, command.charset) == (
        True,
        frozenset({"MIN", "MAX"}),
        "US-ASCII",
    )
    with pytest.raises(ParseError, match="RETURN option"):
        parse_command(b"A285 SEARCH RETURN (FIRST) ALL\r\n")
    # RFC 5267 §4.4: PARTIAL takes a range.
    with pytest.raises(ParseError):
        parse_command(b"A285 SEARCH RETURN (PARTIAL) ALL\r\n")
    command = parse_command(b"A285 SEARCH RETURN (PARTIAL 9:3 UPDATE) ALL\r\n")
    assert isinstance(command, Search) and command.partial == (3, 9)
    assert command.results == frozenset({"PARTIAL", "UPDATE"})
    # RFC 5182 §2.2: SAVE is a result option once SEARCHRES is offered.
    command = parse_command(b"A286 SEARCH RETURN (SAVE) ALL\r\n")
    assert isinstance(command, Search) and command.results == frozenset({"SAVE"})


def test_charsets() -> None:
    utf8 = "TEXT {6+}\r\nGr\xc3\xbc\xc3\x9f\r\n"
    with pytest.raises(ParseError, match="US-ASCII"):
        parse_command(b"a SEARCH " + utf8.encode("latin-1"))
    command = parse_command(b"a SEARCH CHARSET utf-8 " + utf8.encode("latin-1"))
    assert command == Search("a", SearchText("Grüß", False), "UTF-8")
    # RFC 6855 §3: under UTF8=ACCEPT strings are UTF-8.
    command = parse_command(b"a SEARCH " + utf8.encode("latin-1"), options=ParseOptions(utf8=True))
    assert isinstance(command, Search) and command.key == SearchText("Grüß", False)


def test_unknown_charset_is_no_badcharset() -> None:
    # RFC 3501 §6.4.4: "NO [BADCHARSET (...)]" lists the charsets the server supports.
    with pytest.raises(CommandError) as caught:
        parse_command(b"A1 SEARCH CHARSET KOI8-R TEXT x\r\n")
    assert caught.value.reply() == b"A1 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset\r\n"


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"FOO",
        b"NOT",
        b"OR SEEN",
        b"(SEEN",
        b"SEEN)",
        b"()",
        b"SINCE yesterday",
        b"LARGER -1",
        b"KEYWORD \\Recent",
        b"SEEN  DRAFT",
        b'MODSEQ "/flags/x" any 5',
    ],
)
def test_malformed_searches(text: bytes) -> None:
    with pytest.raises(ParseError):
        parse_command(b"t SEARCH " + text + b"\r\n")


def test_nesting_is_bounded() -> None:
    with pytest.raises(ParseError, match="nested too deeply"):
        key(b"NOT " * 5000 + b"SEEN")
    with pytest.raises(ParseError, match="nested too deeply"):
        key(b"(" * 5000 + b"SEEN" + b")" * 5000)
