"""Hypothesis: arbitrary and MIME-shaped input never breaks the parser or its invariants, and
well-formed messages decode as Python's ``email`` package decodes them."""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
from dataclasses import dataclass
from email.message import Message

from hypothesis import given, settings
from hypothesis import strategies as st

from mss.mime import (
    MAX_DEPTH,
    attachments,
    decoded_body,
    iter_text,
    parse_message,
    structure_from_json,
    structure_to_json,
)
from mss.mime.addresses import parse_address_list
from mss.mime.model import BodyPart, MessageStructure

_ENCODINGS = ("7bit", "base64", "quoted-printable")
_LINE = st.text("abcXYZ .,!?", max_size=20)


@dataclass(frozen=True)
class Leaf:
    media_type: str
    encoding: str
    payload: bytes


@dataclass(frozen=True)
class Multipart:
    subtype: str
    children: tuple[Node, ...]
    preamble: bytes


@dataclass(frozen=True)
class Encapsulated:
    inner: Node


Node = Leaf | Multipart | Encapsulated


@st.composite
def _leaves(draw: st.DrawFn) -> Leaf:
    encoding = draw(st.sampled_from(_ENCODINGS))
    media_type = draw(st.sampled_from(["text/plain", "text/html", "application/pdf"]))
    if encoding == "7bit":
        payload = b"\r\n".join(line.encode() for line in draw(st.lists(_LINE, max_size=4)))
    else:
        payload = draw(st.binary(max_size=120))
    return Leaf(media_type, encoding, payload)


def _containers(inner: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    multipart = st.builds(
        Multipart,
        st.sampled_from(["mixed", "alternative", "related"]),
        st.lists(inner, min_size=1, max_size=3).map(tuple),
        _LINE.map(str.encode),
    )
    return multipart | st.builds(Encapsulated, inner)


_TREES = st.recursive(_leaves(), _containers, max_leaves=8)


def _render(node: Node, eol: bytes, counter: list[int]) -> bytes:
    """An entity: header block, empty line, body. Boundaries hold ``=_``, which neither base64
    nor quoted-printable output nor the generated text can contain."""
    if isinstance(node, Leaf):
        if node.encoding == "base64":
            body = base64.encodebytes(node.payload).replace(b"\n", eol)
        elif node.encoding == "quoted-printable":
            body = binascii.b2a_qp(node.payload, istext=False).replace(b"\n", eol)
        else:
            body = node.payload
        fields = f"Content-Type: {node.media_type}\nContent-Transfer-Encoding: {node.encoding}\n\n"
        return fields.encode().replace(b"\n", eol) + body
    if isinstance(node, Encapsulated):
        inner = b"Subject: inner" + eol + _render(node.inner, eol, counter)
        return b"Content-Type: message/rfc822" + eol + eol + inner
    counter[0] += 1
    delimiter = f"--=_b{counter[0]}_=".encode()
    content_type = f'Content-Type: multipart/{node.subtype}; boundary="=_b{counter[0]}_="'
    parts = b"".join(
        delimiter + eol + _render(child, eol, counter) + eol for child in node.children
    )
    return content_type.encode() + eol + eol + node.preamble + eol + parts + delimiter + b"--" + eol


def _message(tree: Node, eol: bytes) -> bytes:
    return b"From: a@b.example" + eol + b"MIME-Version: 1.0" + eol + _render(tree, eol, [0])


def _expected_leaves(node: Node) -> list[Leaf]:
    if isinstance(node, Leaf):
        return [node]
    if isinstance(node, Encapsulated):
        return _expected_leaves(node.inner)
    return [leaf for child in node.children for leaf in _expected_leaves(child)]


def _our_leaves(part: BodyPart) -> list[BodyPart]:
    if part.children:
        return [leaf for child in part.children for leaf in _our_leaves(child)]
    if part.message is not None:
        return _our_leaves(part.message)
    return [part]


def check_invariants(raw: bytes, structure: MessageStructure) -> None:
    assert 0 <= structure.header_end <= len(raw)

    def check(part: BodyPart, depth: int) -> None:
        assert depth <= MAX_DEPTH
        assert 0 <= part.header_start <= part.body_start <= part.end <= len(raw)
        assert part.size == part.end - part.body_start
        assert part.lines is None or 0 <= part.lines <= part.size
        assert (part.content_type == "multipart") == bool(part.children)
        previous = part.body_start
        for child in part.children:
            assert previous <= child.header_start
            previous = child.end
            check(child, depth + 1)
        assert previous <= part.end
        if part.message is not None:
            assert part.envelope is not None
            assert (part.message.header_start, part.message.end) == (part.body_start, part.end)
            check(part.message, depth + 1)

    check(structure.body, 0)
    assert structure_from_json(structure_to_json(structure)) == structure
    list(iter_text(raw, structure))
    attachments(structure)


# Pieces that make the parser take its less travelled paths when strung together at random.
_SOUP = st.lists(
    st.sampled_from(
        [
            b"Content-Type: multipart/mixed; boundary=b\r\n",
            b'Content-Type: multipart/digest; boundary="b"\n',
            b"Content-Type: message/rfc822\r\n",
            b'Content-Type: text/plain; charset="utf-8\r\n',
            b"Content-Transfer-Encoding: base64\r\n",
            b"Content-Transfer-Encoding: quoted-printable\n",
            b"Content-Disposition: attachment; filename*0*=utf-8''%C3; filename*1=x\r\n",
            b"Content-Language: (x\r\n",
            b"To: g:a@b, <@r:c@d>;\r\n",
            b'From: "\\\r\n',
            b"--b\r\n",
            b"--b--",
            b"--b \n",
            b"\r\n",
            b"\n",
            b" folded\r\n",
            b"=C3=A9=\r\n",
            b"QUJD=",
            b"\xff\xfe",
            b":",
        ]
    )
    | st.binary(max_size=4),
    max_size=40,
).map(b"".join)


@settings(deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(raw: bytes) -> None:
    check_invariants(raw, parse_message(raw))


@settings(deadline=None)
@given(_SOUP)
def test_mime_shaped_soup(raw: bytes) -> None:
    check_invariants(raw, parse_message(raw))


@given(st.text())
def test_arbitrary_address_lists(value: str) -> None:
    for address in parse_address_list(value):
        assert address.host is not None or address.name is None


@settings(deadline=None)
@given(_TREES, st.sampled_from([b"\r\n", b"\n"]))
def test_well_formed_messages_decode_like_the_email_package(tree: Node, eol: bytes) -> None:
    raw = _message(tree, eol)
    structure = parse_message(raw)
    check_invariants(raw, structure)
    ours = _our_leaves(structure.body)
    expected = _expected_leaves(tree)
    assert [decoded_body(raw, part) for part in ours] == [leaf.payload for leaf in expected]
    assert [f"{p.content_type}/{p.subtype}" for p in ours] == [e.media_type for e in expected]
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    theirs = [part for part in parsed.walk() if not part.is_multipart()]
    assert [part.get_content_type() for part in theirs] == [e.media_type for e in expected]
    assert [_payload(part) for part in theirs] == [decoded_body(raw, part) for part in ours]


def _payload(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


@settings(deadline=None)
@given(_TREES, st.sampled_from([b"\r\n", b"\n"]), st.data())
def test_damaged_messages(tree: Node, eol: bytes, data: st.DataObject) -> None:
    raw = _message(tree, eol)
    start = data.draw(st.integers(0, len(raw)))
    stop = data.draw(st.integers(start, len(raw)))
    junk = data.draw(st.sampled_from([b"", b"\r", b"\n", b"--", b"\xff\r\n", b'"', b"\r\n\r\n"]))
    damaged = raw[:start] + junk + raw[stop:]
    check_invariants(damaged, parse_message(damaged))
