"""The response encoder: strings, lists and whole lines, checked byte for byte."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from mss.imap.wire.codes import BAD, BYE, NO, OK, PERMANENTFLAGS, READ_WRITE, UIDVALIDITY, Code
from mss.imap.wire.dates import format_date_time
from mss.imap.wire.encode import (
    astring,
    continuation,
    fetch_response,
    flag_list,
    literal,
    mailbox_name,
    nstring,
    plist,
    string,
    tagged,
    untagged,
    untagged_status,
)
from mss.imap.wire.framing import frame
from mss.imap.wire.grammar import Buffer
from mss.imap.wire.grammar import astring as parse_astring
from mss.imap.wire.grammar import nstring as parse_nstring


def test_strings_are_quoted_when_they_can_be() -> None:
    assert string("IMAP4rev1 WG mtg summary and minutes") == (
        b'"IMAP4rev1 WG mtg summary and minutes"'
    )
    assert string('say "hi" \\o/') == b'"say \\"hi\\" \\\\o/"'
    assert string("") == b'""'


def test_strings_with_line_breaks_8bit_or_length_are_literals() -> None:
    assert string(b"two\r\nlines") == b"{10}\r\ntwo\r\nlines"
    assert string("Grüße") == b"{7}\r\nGr\xc3\xbc\xc3\x9fe"
    assert string(b"x" * 2000).startswith(b"{2000}\r\nxxx")
    assert string(b"nul\x00") == b"{4}\r\nnul\x00"


def test_utf8_may_be_quoted_once_enabled() -> None:
    # RFC 6855 §3.
    assert string("Grüße", utf8=True) == '"Grüße"'.encode()
    assert string("a\r\n", utf8=True) == b"{3}\r\na\r\n"


def test_nstring_and_astring() -> None:
    assert nstring(None) == b"NIL"
    assert nstring("NIL") == b'"NIL"'
    assert astring("INBOX") == b"INBOX"
    assert astring("Sent Items") == b'"Sent Items"'
    assert astring("nil") == b'"nil"'
    assert astring("") == b'""'
    assert astring("a]b") == b"a]b"
    assert astring("50%") == b'"50%"'


def test_literal_counts_octets_not_characters() -> None:
    assert literal("é") == b"{2}\r\n\xc3\xa9"


def test_mailbox_names() -> None:
    assert mailbox_name("日本語") == b"&ZeVnLIqe-"
    assert mailbox_name("Tom & Jerry") == b'"Tom &- Jerry"'
    assert mailbox_name("日本語", utf8=True) == '"日本語"'.encode()


def test_lists_and_flags() -> None:
    assert plist([]) == b"()"
    assert plist([b"1", b"NIL", b'"x"']) == b'(1 NIL "x")'
    assert flag_list(["\\Answered", "\\Seen", "$Forwarded"]) == b"(\\Answered \\Seen $Forwarded)"


def test_status_lines_rfc3501_examples() -> None:
    assert untagged(b"172", b"EXISTS") == b"* 172 EXISTS\r\n"
    assert untagged_status(OK, "UIDs valid", Code(UIDVALIDITY, b"3857529045")) == (
        b"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
    )
    assert untagged_status(OK, "Limited", Code(PERMANENTFLAGS, b"(\\Deleted \\Seen \\*)")) == (
        b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"
    )
    assert tagged("A142", OK, "SELECT completed", READ_WRITE) == (
        b"A142 OK [READ-WRITE] SELECT completed\r\n"
    )
    assert tagged("A043", NO, "COPY failed: disk is full") == (
        b"A043 NO COPY failed: disk is full\r\n"
    )
    assert untagged_status(BYE, "IMAP4rev1 Server logging out") == (
        b"* BYE IMAP4rev1 Server logging out\r\n"
    )
    assert continuation("Ready for additional command text") == (
        b"+ Ready for additional command text\r\n"
    )


def test_status_text_is_made_safe() -> None:
    assert tagged("a", BAD, "line\r\nbreak \xff") == b"a BAD line??break ?\r\n"
    assert tagged("a", BAD, "[ALERT] fake code") == b"a BAD - [ALERT] fake code\r\n"
    assert tagged("a", BAD, "") == b"a BAD Error\r\n"


def test_fetch_response_rfc3501_example() -> None:
    zone = datetime.timezone(-datetime.timedelta(hours=7))
    when = datetime.datetime(1996, 7, 17, 2, 44, 25, tzinfo=zone)
    response = fetch_response(
        12,
        [
            (b"FLAGS", flag_list(["\\Seen"])),
            (b"INTERNALDATE", format_date_time(when)),
            (b"RFC822.SIZE", b"4286"),
        ],
    )
    assert response == (
        b'* 12 FETCH (FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" '
        b"RFC822.SIZE 4286)\r\n"
    )


def test_fetch_response_with_a_literal() -> None:
    # RFC 3501 §7.4.2: "* 23 FETCH (FLAGS (\Seen) UID 4827313)" and body literals.
    assert fetch_response(1, [(b"UID", b"4827313"), (b"BODY[]<0>", string(b"ab\r\n"))]) == (
        b"* 1 FETCH (UID 4827313 BODY[]<0> {4}\r\nab\r\n)\r\n"
    )


@given(st.binary(max_size=300))
def test_any_octets_encode_to_a_string_that_parses_back(value: bytes) -> None:
    encoded = b"a X " + nstring(value) + b"\r\n"
    buf = Buffer.of(frame(encoded)).skip(4)
    assert parse_nstring(buf)[0] == value


@given(st.text(max_size=100))
def test_any_text_encodes_to_an_astring_that_parses_back(value: str) -> None:
    encoded = b"a X " + astring(value) + b"\r\n"
    buf = Buffer.of(frame(encoded)).skip(4)
    assert parse_astring(buf)[0] == value.encode()
