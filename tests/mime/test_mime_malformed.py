"""parse_message on damaged input: it never raises and still says where everything is."""

from __future__ import annotations

from mss.mime import parse_message
from mss.mime.model import BodyPart


def body(raw: bytes, part: BodyPart) -> bytes:
    return raw[part.body_start : part.end]


def test_empty_message() -> None:
    structure = parse_message(b"")
    assert structure.header_end == 0
    part = structure.body
    assert (part.content_type, part.subtype, part.size, part.lines) == ("text", "plain", 0, 0)
    assert structure.envelope.from_ == ()
    assert structure.envelope.subject is None


def test_only_headers_without_blank_line() -> None:
    raw = b"Subject: hello\r\nFrom: a@b.example\r\n"
    structure = parse_message(raw)
    assert structure.header_end == len(raw)
    assert structure.body.size == 0
    assert structure.envelope.subject == "hello"


def test_missing_blank_line_starts_body_at_first_non_header_line() -> None:
    raw = b"Subject: hello\r\nThis line is body text\r\n"
    structure = parse_message(raw)
    assert body(raw, structure.body) == b"This line is body text\r\n"
    assert structure.envelope.subject == "hello"


def test_truncated_header() -> None:
    raw = b"Subject: hel"
    structure = parse_message(raw)
    assert structure.envelope.subject == "hel"
    assert structure.body.body_start == len(raw)


def test_bare_lf_line_endings() -> None:
    raw = (
        b"Subject: lf\n"
        b'Content-Type: multipart/mixed; boundary="b"\n'
        b"\n"
        b"--b\n"
        b"Content-Type: text/plain\n"
        b"\n"
        b"one\n"
        b"two\n"
        b"--b--\n"
    )
    structure = parse_message(raw)
    (part,) = structure.body.children
    assert body(raw, part) == b"one\ntwo"
    assert part.lines == 2
    assert structure.envelope.subject == "lf"


def test_no_closing_boundary_ends_last_part_at_end_of_message() -> None:
    raw = b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n\r\nfirst\r\n--b\r\n\r\nlast'
    first, last = parse_message(raw).body.children
    assert body(raw, first) == b"first"
    assert body(raw, last) == b"last"
    assert last.end == len(raw)


def test_boundary_never_found_reads_body_as_text() -> None:
    raw = b'Content-Type: multipart/mixed; boundary="b"\r\n\r\nno parts here\r\n'
    part = parse_message(raw).body
    assert (part.content_type, part.subtype, part.children) == ("text", "plain", ())
    assert part.params == (("charset", "us-ascii"),)
    assert body(raw, part) == b"no parts here\r\n"


def test_multipart_without_boundary_parameter_reads_body_as_text() -> None:
    part = parse_message(b"Content-Type: multipart/mixed\r\n\r\n--x\r\n").body
    assert (part.content_type, part.subtype) == ("text", "plain")


def test_boundary_followed_by_other_text_is_not_a_boundary() -> None:
    raw = (
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\n\r\ntext\r\n--b-not-a-boundary\r\nmore\r\n--b--\r\n"
    )
    (part,) = parse_message(raw).body.children
    assert body(raw, part) == b"text\r\n--b-not-a-boundary\r\nmore"


def test_consecutive_boundaries_give_an_empty_part() -> None:
    raw = b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n--b\r\n\r\nx\r\n--b--'
    empty, full = parse_message(raw).body.children
    assert empty.size == 0
    assert empty.header_start == empty.body_start == empty.end
    assert body(raw, full) == b"x"


def test_nonsense_content_type_defaults_to_text_plain() -> None:
    for value in (b"", b"garbage", b"text/", b"/plain", b";;;", b'"text/plain"', b"a/b/c"):
        part = parse_message(b"Content-Type: " + value + b"\r\n\r\nx").body
        assert (part.content_type, part.subtype) == ("text", "plain"), value
        assert part.params == (("charset", "us-ascii"),)


def test_eight_bit_headers_decode_as_utf8_or_latin1() -> None:
    raw = (
        b"Subject: caf\xc3\xa9\r\nX-Junk: \xff\xfe\r\nContent-Description: caf\xe9\r\n\r\n\x80\xff"
    )
    structure = parse_message(raw)
    assert structure.envelope.subject == "café"
    assert structure.body.description == "café"
    assert structure.body.size == 2


def test_encoded_message_rfc822_is_opaque() -> None:
    raw = (
        b"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"U3ViamVjdDogeA0KDQp5\r\n"
    )
    part = parse_message(raw).body
    assert (part.content_type, part.subtype) == ("application", "octet-stream")
    assert part.envelope is None
    assert part.message is None


def test_header_block_with_leading_continuation_line() -> None:
    raw = b" folded: nothing before\r\nSubject: x\r\n\r\nbody"
    structure = parse_message(raw)
    assert structure.body.body_start == 0
    assert structure.envelope.subject is None
