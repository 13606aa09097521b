"""The primitives of RFC 3501 §9, one production at a time."""

from __future__ import annotations

import pytest

from mss.imap.wire.errors import ParseError
from mss.imap.wire.framing import frame
from mss.imap.wire.grammar import (
    Buffer,
    astring,
    atom,
    list_mailbox,
    nstring,
    number,
    nz_number,
    parenthesised,
    quoted,
    string,
    tag,
)


def buf(data: bytes) -> Buffer:
    """A buffer over ``data`` framed as a client would send it (literals included)."""
    return Buffer.of(frame(data + b"\r\n"))


def test_atom_stops_at_atom_specials() -> None:
    for special in b'(){ %*"\\]':
        value, rest = atom(buf(b"abc" + bytes([special]) + b"def"))
        assert value == "abc"
        assert rest.peek() == bytes([special])


def test_atom_may_hold_brackets_open_but_not_close() -> None:
    assert atom(buf(b"BODY[TEXT]"))[0] == "BODY[TEXT"


def test_tag_excludes_plus() -> None:
    assert tag(buf(b"a+1 NOOP"))[0] == "a"
    with pytest.raises(ParseError, match="Expected a tag"):
        tag(buf(b"+ NOOP"))


def test_quoted_string_with_escapes() -> None:
    value, rest = quoted(buf(rb'"a \"quoted\" \\ string" x'))
    assert value == b'a "quoted" \\ string'
    assert rest.peek() == b" "


@pytest.mark.parametrize(
    "data",
    [b'"unterminated', b'"bad \\n escape"', b'"has \\'],
)
def test_malformed_quoted_strings(data: bytes) -> None:
    with pytest.raises(ParseError, match="quoted string"):
        quoted(buf(data))


def test_quoted_string_accepts_utf8() -> None:
    # RFC 6855 §3: utf8-quoted.
    assert quoted(buf('"Grüße"'.encode()))[0] == "Grüße".encode()


def test_string_is_quoted_or_literal() -> None:
    assert string(buf(b'"hello"'))[0] == b"hello"
    assert string(buf(b"{5+}\r\nhello"))[0] == b"hello"
    with pytest.raises(ParseError, match="Expected a string"):
        string(buf(b"hello"))


def test_string_refuses_literal8() -> None:
    with pytest.raises(ParseError, match="literal8"):
        string(buf(b"~{5+}\r\nhello"))


def test_astring_forms() -> None:
    assert astring(buf(b"INBOX.Sent]"))[0] == b"INBOX.Sent]"
    assert astring(buf(b'"Sent Items"'))[0] == b"Sent Items"
    assert astring(buf(b"{3+}\r\n\x00\r\n"))[0] == b"\x00\r\n"
    with pytest.raises(ParseError):
        astring(buf(b"(x)"))


def test_list_mailbox_allows_wildcards() -> None:
    assert list_mailbox(buf(b"INBOX/%"))[0] == b"INBOX/%"
    assert list_mailbox(buf(b"*"))[0] == b"*"


def test_nstring() -> None:
    assert nstring(buf(b"NIL"))[0] is None
    assert nstring(buf(b"nil"))[0] is None
    assert nstring(buf(b'"NIL"'))[0] == b"NIL"
    with pytest.raises(ParseError):
        nstring(buf(b"NILS"))


def test_numbers() -> None:
    assert number(buf(b"0"))[0] == 0
    assert number(buf(b"4294967295"))[0] == 4294967295
    with pytest.raises(ParseError, match="out of range"):
        number(buf(b"4294967296"))
    with pytest.raises(ParseError, match="non-zero"):
        nz_number(buf(b"0"))
    with pytest.raises(ParseError, match="out of range"):
        number(buf(b"9" * 100))


def test_parenthesised_lists() -> None:
    assert parenthesised(buf(b"(a b c)"), atom)[0] == ("a", "b", "c")
    assert parenthesised(buf(b"()"), atom)[0] == ()
    with pytest.raises(ParseError, match="non-empty"):
        parenthesised(buf(b"()"), atom, allow_empty=False)
    with pytest.raises(ParseError, match=r"Expected an atom, found ' b\)'"):
        parenthesised(buf(b"(a  b)"), atom)
    with pytest.raises(ParseError, match="Expected a space"):
        parenthesised(buf(b"(a"), atom)


def test_errors_say_what_was_found() -> None:
    with pytest.raises(ParseError) as caught:
        number(buf(b"abc"))
    assert caught.value.text == "Expected a number, found 'abc'"
    with pytest.raises(ParseError) as caught:
        number(buf(b""))
    assert caught.value.text == "Expected a number, found end of command"
