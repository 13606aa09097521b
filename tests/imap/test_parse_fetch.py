"""Every FETCH data item of RFC 3501 §6.4.5, and how responses name them (§7.4.2)."""

from __future__ import annotations

import pytest

from mss.imap.fetch.parse_fetch import FetchItem, Section, fetch_items
from mss.imap.wire.errors import ParseError
from mss.imap.wire.grammar import Buffer


def items(text: bytes) -> tuple[FetchItem, ...]:
    value, rest = fetch_items(Buffer.from_line(text))
    assert rest.at_end()
    return value


@pytest.mark.parametrize(
    "name",
    [
        "ENVELOPE", "FLAGS", "INTERNALDATE", "RFC822", "RFC822.HEADER", "RFC822.SIZE",
        "RFC822.TEXT", "BODY", "BODYSTRUCTURE", "UID", "MODSEQ",
    ],
)  # fmt: skip
def test_simple_items(name: str) -> None:
    assert items(name.lower().encode()) == (FetchItem(name),)
    assert FetchItem(name).response_name() == name.encode()


def test_macros_expand() -> None:
    assert [i.name for i in items(b"ALL")] == ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"]
    assert [i.name for i in items(b"fast")] == ["FLAGS", "INTERNALDATE", "RFC822.SIZE"]
    assert [i.name for i in items(b"FULL")][-1] == "BODY"


@pytest.mark.parametrize(
    ("text", "section", "name"),
    [
        (b"BODY[]", Section(), b"BODY[]"),
        (b"BODY[HEADER]", Section(text="HEADER"), b"BODY[HEADER]"),
        (b"BODY[TEXT]", Section(text="TEXT"), b"BODY[TEXT]"),
        (b"BODY[1]", Section((1,)), b"BODY[1]"),
        (b"BODY[3.2.1]", Section((3, 2, 1)), b"BODY[3.2.1]"),
        (b"body[2.mime]", Section((2,), "MIME"), b"BODY[2.MIME]"),
        (b"BODY[4.2.HEADER]", Section((4, 2), "HEADER"), b"BODY[4.2.HEADER]"),
        (b"BODY[4.2.TEXT]", Section((4, 2), "TEXT"), b"BODY[4.2.TEXT]"),
        (
            b"BODY[HEADER.FIELDS (date from)]",
            Section((), "HEADER.FIELDS", ("DATE", "FROM")),
            b"BODY[HEADER.FIELDS (DATE FROM)]",
        ),
        (
            b'BODY[1.HEADER.FIELDS.NOT ("Received" X-Spam)]',
            Section((1,), "HEADER.FIELDS.NOT", ("RECEIVED", "X-SPAM")),
            b"BODY[1.HEADER.FIELDS.NOT (RECEIVED X-SPAM)]",
        ),
    ],
)
def test_sections(text: bytes, section: Section, name: bytes) -> None:
    (item,) = items(text)
    assert item == FetchItem("BODY", section)
    assert item.response_name() == name
    assert item.sets_seen()


def test_peek_and_partial() -> None:
    # RFC 3501 §6.4.5: BODY.PEEK does not set \Seen; "<0.2048>" asks for 2048 octets from 0,
    # and the response names only the origin (§7.4.2).
    (item,) = items(b"BODY.PEEK[1.2]<0.2048>")
    assert item == FetchItem("BODY", Section((1, 2)), (0, 2048), peek=True)
    assert item.response_name() == b"BODY[1.2]<0>"
    assert not item.sets_seen()


def test_which_items_set_seen() -> None:
    assert FetchItem("RFC822").sets_seen()
    assert FetchItem("RFC822.TEXT").sets_seen()
    assert not FetchItem("RFC822.HEADER").sets_seen()
    assert not FetchItem("BODYSTRUCTURE").sets_seen()


def test_a_list_of_items() -> None:
    found = items(b"(UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject)])")
    assert [i.response_name() for i in found] == [
        b"UID",
        b"RFC822.SIZE",
        b"FLAGS",
        b"BODY[HEADER.FIELDS (FROM TO CC BCC SUBJECT)]",
    ]


@pytest.mark.parametrize(
    "text",
    [b"BODY[", b"BODY[X]", b"BODY[0]", b"BODY[1.0]", b"BODY[HEADER.FIELDS (a:b)]", b"FOO"],
)
def test_malformed_items(text: bytes) -> None:
    with pytest.raises(ParseError):
        items(text)


def test_part_paths_are_bounded() -> None:
    with pytest.raises(ParseError, match="too deep"):
        items(b"BODY[" + b"1." * 40 + b"1]")
