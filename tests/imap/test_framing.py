"""Framing: lines, synchronising and non-synchronising literals, and the limits."""

from __future__ import annotations

import pytest

from mss.imap.wire.codes import TOOBIG
from mss.imap.wire.errors import ParseError
from mss.imap.wire.framing import (
    ContinuationRequest,
    Framer,
    FramingLimits,
    Literal,
    RawCommand,
    frame,
)


def events(framer: Framer) -> list[RawCommand | ContinuationRequest]:
    """Every event the framer can give from what it has been fed."""
    found: list[RawCommand | ContinuationRequest] = []
    while (event := framer.next_event()) is not None:
        found.append(event)
    return found


def test_a_line_is_one_command() -> None:
    framer = Framer()
    framer.feed(b"a001 NOOP\r\n")
    assert events(framer) == [RawCommand((b"a001 NOOP",))]


def test_a_line_may_arrive_in_pieces_and_several_at_once() -> None:
    framer = Framer()
    framer.feed(b"a001 NO")
    assert events(framer) == []
    framer.feed(b"OP\r\na002 CAPA")
    framer.feed(b"BILITY\r\n")
    assert events(framer) == [RawCommand((b"a001 NOOP",)), RawCommand((b"a002 CAPABILITY",))]


def test_a_bare_lf_ends_a_line_too() -> None:
    assert frame(b"a NOOP\n") == RawCommand((b"a NOOP",))


def test_synchronising_literal_asks_for_a_continuation() -> None:
    # RFC 3501 §7.5: the client waits for "+" before it sends the literal's octets.
    framer = Framer()
    framer.feed(b"A003 APPEND saved-messages (\\Seen) {7}\r\n")
    assert events(framer) == [ContinuationRequest(7)]
    framer.feed(b"abc")
    assert events(framer) == []
    framer.feed(b"defg\r\n")
    assert events(framer) == [
        RawCommand((b"A003 APPEND saved-messages (\\Seen) ", b""), (Literal(b"abcdefg"),))
    ]


def test_non_synchronising_literal_needs_no_continuation() -> None:
    # RFC 7888 §3: "{n+}" and the octets follow at once.
    framer = Framer()
    framer.feed(b"a LOGIN {5+}\r\nSMITH {6+}\r\nSESAME\r\n")
    assert events(framer) == [
        RawCommand((b"a LOGIN ", b" ", b""), (Literal(b"SMITH"), Literal(b"SESAME")))
    ]


def test_literal_octets_are_not_lines() -> None:
    framer = Framer()
    framer.feed(b"a LOGIN {4+}\r\n\r\n\r\n {0+}\r\n\r\n")
    assert events(framer) == [
        RawCommand((b"a LOGIN ", b" ", b""), (Literal(b"\r\n\r\n"), Literal(b"")))
    ]


def test_literal8_is_marked_binary() -> None:
    command = frame(b"a APPEND x UTF8 (~{2+}\r\nhi)\r\n")
    assert command.literals == (Literal(b"hi", binary=True),)
    assert command.texts == (b"a APPEND x UTF8 (", b")")


def test_a_brace_in_the_middle_of_a_line_is_text() -> None:
    assert frame(b"a SELECT {foo}x\r\n") == RawCommand((b"a SELECT {foo}x",))


def test_too_long_line_is_refused_with_its_tag_and_then_skipped() -> None:
    framer = Framer(FramingLimits(max_line=20))
    framer.feed(b"a1 SELECT " + b"x" * 30)
    with pytest.raises(ParseError) as caught:
        framer.next_event()
    assert caught.value.reply() == b"a1 BAD [TOOBIG] Command line too long\r\n"
    framer.feed(b"yyy\r\na2 NOOP\r\n")
    assert events(framer) == [RawCommand((b"a2 NOOP",))]


def test_too_long_line_seen_whole_is_refused() -> None:
    framer = Framer(FramingLimits(max_line=10))
    framer.feed(b"a1 SELECT xxxxxxx\r\na2 NOOP\r\n")
    with pytest.raises(ParseError, match="too long"):
        framer.next_event()
    assert events(framer) == [RawCommand((b"a2 NOOP",))]


def test_too_large_synchronising_literal_is_refused_before_it_is_sent() -> None:
    # RFC 3501 §7.5: a tagged reply instead of "+"; the client does not send the octets.
    framer = Framer(FramingLimits(max_literal=10))
    framer.feed(b"A3 APPEND box {11}\r\n")
    with pytest.raises(ParseError) as caught:
        framer.next_event()
    assert caught.value.tag == "A3"
    assert caught.value.code is not None and caught.value.code.name == TOOBIG
    framer.feed(b"A4 NOOP\r\n")
    assert events(framer) == [RawCommand((b"A4 NOOP",))]


def test_too_large_non_synchronising_literal_is_read_and_dropped() -> None:
    # RFC 7888 §4: the octets are on their way; they and the command's end are discarded.
    framer = Framer(FramingLimits(max_literal=10))
    framer.feed(b"A3 APPEND box {12+}\r\nhello")
    with pytest.raises(ParseError, match="Literal too large"):
        framer.next_event()
    framer.feed(b" world! (\\Seen)\r\nA4 NOOP\r\n")
    assert events(framer) == [RawCommand((b"A4 NOOP",))]


def test_a_huge_literal_count_is_too_large_not_a_crash() -> None:
    framer = Framer()
    framer.feed(b"a LOGIN {" + b"9" * 5000 + b"}\r\n")
    with pytest.raises(ParseError, match="Literal too large"):
        framer.next_event()


def test_the_whole_command_is_bounded() -> None:
    framer = Framer(FramingLimits(max_literal=10, max_command=25))
    framer.feed(b"a APPEND b {10+}\r\n0123456789 {10+}\r\n0123456789\r\n")
    with pytest.raises(ParseError, match="Literal too large"):
        framer.next_event()


def test_many_empty_literals_do_not_recurse() -> None:
    framer = Framer()
    framer.feed(b"a X " + b"{0+}\r\n" * 5000 + b"\r\n")
    (command,) = events(framer)
    assert isinstance(command, RawCommand)
    assert len(command.literals) == 5000


def test_pending_input_is_visible_and_can_be_dropped() -> None:
    # RFC 3501 §6.2.1: nothing sent before the TLS negotiation may be acted upon after it.
    framer = Framer()
    framer.feed(b"a STARTTLS\r\nb LOGIN x y\r\n")
    assert framer.next_event() == RawCommand((b"a STARTTLS",))
    assert framer.pending()
    framer.clear()
    assert not framer.pending()
    assert framer.next_event() is None


def test_frame_refuses_incomplete_or_extra_input() -> None:
    with pytest.raises(ParseError, match="Incomplete"):
        frame(b"a NOOP")
    with pytest.raises(ParseError, match="More than one"):
        frame(b"a NOOP\r\nb NOOP\r\n")


def test_line_of_a_command_without_literals() -> None:
    assert frame(b"DONE\r\n").line() == b"DONE"
    assert frame(b"a LOGIN {1+}\r\nx y\r\n").line() is None
