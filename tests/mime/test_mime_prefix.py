"""A Received field put in front of a parsed message gives the structure a second parse would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mss.mime import parse_message
from mss.mime.prefix import with_prefix

TRACE = (
    b"Received: from client.example (client.example [192.0.2.1])\r\n"
    b"\tby mx.hopital.example with ESMTPS id 7; Thu, 3 Dec 2026 08:00:00 +0000\r\n"
)
_PIECES = st.lists(
    st.sampled_from(
        [
            b"From: a@b.example\r\n",
            b"Subject: x\r\n",
            b"MIME-Version: 1.0\r\n",
            b"Content-Type: multipart/mixed; boundary=b\r\n",
            b"Content-Type: message/rfc822\r\n",
            b"Content-Transfer-Encoding: base64\r\n",
            b"Content-Disposition: attachment; filename=a.pdf\r\n",
            b"--b\r\n",
            b"--b--\r\n",
            b"\r\n",
            b"\n",
            b" folded\r\n",
            b"body text\r\n",
            b"QUJD\r\n",
            b":",
            b"\xff",
        ]
    )
    | st.binary(max_size=4),
    max_size=40,
).map(b"".join)


@settings(deadline=None, max_examples=300)
@given(_PIECES)
def test_prefix_gives_the_structure_of_a_second_parse(raw: bytes) -> None:
    assert with_prefix(TRACE, raw, parse_message(raw)) == parse_message(TRACE + raw)


def test_a_multipart_message_moves_every_offset() -> None:
    raw = (
        b"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
        b"--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\ninner\r\n--b--\r\n"
    )
    moved = with_prefix(TRACE, raw, parse_message(raw))
    assert moved == parse_message(TRACE + raw)
    assert moved.body.children[1].message is not None
    assert moved.header_end == parse_message(raw).header_end + len(TRACE)


def test_a_message_starting_with_white_space_is_parsed_again() -> None:
    raw = b" continues the trace field\r\nSubject: x\r\n\r\nbody\r\n"
    assert with_prefix(TRACE, raw, parse_message(raw)) == parse_message(TRACE + raw)


def test_a_prefix_naming_a_field_the_model_reads_is_parsed_again() -> None:
    raw = b"Subject: x\r\n\r\nbody\r\n"
    prefix = b"Content-Type: text/html\r\n"
    assert with_prefix(prefix, raw, parse_message(raw)) == parse_message(prefix + raw)
