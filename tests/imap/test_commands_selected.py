"""Parsing the selected-state commands, from RFC 3501 §6.4 and §8 and their extensions."""

from __future__ import annotations

import pytest

from mss.imap.fetch.parse_fetch import FetchItem, Section
from mss.imap.selected.commands_selected import (
    Check,
    Close,
    Copy,
    Expunge,
    Fetch,
    Move,
    Store,
    UidExpunge,
    Unselect,
)
from mss.imap.wire.errors import ParseError
from mss.imap.wire.grammar import Buffer
from mss.imap.wire.parse import parse_command
from mss.imap.wire.sequence import SequenceSet, sequence_set


def seq(text: bytes) -> SequenceSet:
    return sequence_set(Buffer.from_line(text))[0]


def test_commands_without_arguments() -> None:
    assert parse_command(b"FXXZ CHECK\r\n") == Check("FXXZ")
    assert parse_command(b"A341 CLOSE\r\n") == Close("A341")
    assert parse_command(b"A342 UNSELECT\r\n") == Unselect("A342")
    assert parse_command(b"A202 EXPUNGE\r\n") == Expunge("A202")


def test_uid_expunge_rfc4315_example() -> None:
    assert parse_command(b"A003 UID EXPUNGE 3000:3002\r\n") == UidExpunge("A003", seq(b"3000:3002"))


def test_rfc3501_section8_fetch_and_store() -> None:
    full = parse_command(b"a003 fetch 12 full\r\n")
    assert full == Fetch(
        "a003",
        seq(b"12"),
        tuple(FetchItem(n) for n in ("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY")),
    )
    header = parse_command(b"a004 fetch 12 body[header]\r\n")
    assert header == Fetch("a004", seq(b"12"), (FetchItem("BODY", Section(text="HEADER")),))
    store = parse_command(b"a005 store 12 +flags \\deleted\r\n")
    assert store == Store("a005", seq(b"12"), "add", ("\\Deleted",))


def test_fetch_rfc3501_example() -> None:
    command = parse_command(b"A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n")
    assert command == Fetch(
        "A654",
        seq(b"2:4"),
        (FetchItem("FLAGS"), FetchItem("BODY", Section((), "HEADER.FIELDS", ("DATE", "FROM")))),
    )


def test_uid_fetch_rfc3501_example() -> None:
    command = parse_command(b"A999 UID FETCH 4827313:4828442 FLAGS\r\n")
    assert command == Fetch("A999", seq(b"4827313:4828442"), (FetchItem("FLAGS"),), uid=True)


def test_fetch_modifiers_rfc7162_examples() -> None:
    command = parse_command(b"s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)\r\n")
    assert command == Fetch("s100", seq(b"1:*"), (FetchItem("FLAGS"),), True, 12345)
    command = parse_command(b"s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n")
    assert command == Fetch("s100", seq(b"300:500"), (FetchItem("FLAGS"),), True, 12345, True)


@pytest.mark.parametrize(
    "line",
    [
        b"a FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)",  # VANISHED needs UID FETCH
        b"a UID FETCH 1:* (FLAGS) (VANISHED)",  # and CHANGEDSINCE
        b"a FETCH 1 (FLAGS) (CHANGEDSINCE 1 CHANGEDSINCE 2)",
        b"a FETCH 1 (FLAGS) (FOO 1)",
        b"a FETCH 1 ()",
        b"a FETCH 1 (ALL)",
        b"a FETCH 1 BODY[4.]",
        b"a FETCH 1 BODY[HEADER.FIELDS ()]",
        b"a FETCH 1 BODY[1.2.3]<5>",
        b"a FETCH 1 BODY[]<5.0>",
        b"a FETCH 1 BODY[MIME]",
        b"a FETCH 1 BINARY[1.TEXT]",  # RFC 3516 §6: section-binary has part numbers only
        b"a FETCH 1 BINARY.SIZE[1]<0.5>",
    ],
)
def test_bad_fetch_commands(line: bytes) -> None:
    with pytest.raises(ParseError):
        parse_command(line + b"\r\n")


def test_store_rfc3501_example() -> None:
    command = parse_command(b"A003 STORE 2:4 +FLAGS (\\Deleted)\r\n")
    assert command == Store("A003", seq(b"2:4"), "add", ("\\Deleted",))


def test_store_forms() -> None:
    assert parse_command(b"a STORE 1 FLAGS ()\r\n") == Store("a", seq(b"1"), "replace", ())
    command = parse_command(b"a STORE 1:* -FLAGS.SILENT \\Seen $Label1 \\flagged\r\n")
    assert command == Store(
        "a", seq(b"1:*"), "remove", ("\\Seen", "$Label1", "\\Flagged"), silent=True
    )


def test_store_unchangedsince_rfc7162_example() -> None:
    command = parse_command(
        b"a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121231000) +FLAGS.SILENT (\\Deleted)\r\n"
    )
    assert command == Store("a103", seq(b"6,4,8"), "add", ("\\Deleted",), True, True, 12121231000)


@pytest.mark.parametrize(
    "line",
    [
        b"a STORE 1 FLAGS (\\Recent)",
        b"a STORE 1 FLAGS (\\Bogus)",
        b"a STORE 1 LABELS (x)",
        b"a STORE 1 (CHANGEDSINCE 5) FLAGS (x)",
        b"a STORE 1 +FLAGS",
        b"a STORE 1 FLAGS (a",
    ],
)
def test_bad_store_commands(line: bytes) -> None:
    with pytest.raises(ParseError):
        parse_command(line + b"\r\n")


def test_copy_and_move() -> None:
    # RFC 3501 §6.4.7 and RFC 6851 §4.1.
    assert parse_command(b"A003 COPY 2:4 MEETING\r\n") == Copy("A003", seq(b"2:4"), "MEETING")
    assert parse_command(b"a UID MOVE 42:69 foo\r\n") == Move("a", seq(b"42:69"), "foo", True)
    assert parse_command(b"a UID COPY 1 inbox\r\n") == Copy("a", seq(b"1"), "INBOX", True)
    assert parse_command(b"a MOVE 1 x\r\n") != Copy("a", seq(b"1"), "x")


def test_uid_needs_a_known_command() -> None:
    with pytest.raises(ParseError, match="Unknown command UID SELECT") as caught:
        parse_command(b"a UID SELECT INBOX\r\n")
    assert caught.value.reply() == b"a BAD Unknown command UID SELECT\r\n"
