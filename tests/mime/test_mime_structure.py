"""parse_message on well-formed messages: types, parameters, sizes, lines and offsets."""

from __future__ import annotations

import base64

from mss.mime import MAX_DEPTH, MAX_PARTS, parse_message
from mss.mime.model import BodyPart


def body(raw: bytes, part: BodyPart) -> bytes:
    return raw[part.body_start : part.end]


def all_parts(part: BodyPart) -> list[BodyPart]:
    """The entity and every entity inside it, encapsulated messages included."""
    inner = [*part.children, *([part.message] if part.message is not None else [])]
    return [part, *(found for child in inner for found in all_parts(child))]


def test_simple_text_plain(simple: bytes) -> None:
    structure = parse_message(simple)
    part = structure.body
    assert (part.content_type, part.subtype) == ("text", "plain")
    assert part.params == (("charset", "us-ascii"),)
    assert part.encoding == "7BIT"
    assert body(simple, part) == b"Bonjour,\r\na demain.\r\n"
    assert part.size == 21
    assert part.lines == 2
    assert structure.header_end == simple.index(b"Bonjour")
    assert part.header_start == 0
    assert part.end == len(simple)


def test_multipart_alternative(alternative: bytes) -> None:
    structure = parse_message(alternative)
    root = structure.body
    assert (root.content_type, root.subtype) == ("multipart", "alternative")
    assert root.params == (("boundary", "alt"),)
    plain, html = root.children
    assert (plain.subtype, html.subtype) == ("plain", "html")
    # RFC 2046 §5.1.1: the CRLF before "--alt" belongs to the boundary.
    assert body(alternative, plain) == b"caf\xc3\xa9"
    assert body(alternative, html) == b"<p>caf\xc3\xa9</p>"
    assert plain.lines == 1
    assert alternative[plain.header_start :].startswith(b"Content-Type: text/plain")


def test_multipart_mixed_with_pdf_and_nested_message(mixed: bytes, pdf: bytes) -> None:
    structure = parse_message(mixed)
    text, document, forwarded = structure.body.children
    assert text.encoding == "QUOTED-PRINTABLE"
    assert body(mixed, text) == b"Voici les r=C3=A9sultats."
    assert (document.content_type, document.subtype) == ("application", "pdf")
    assert document.encoding == "BASE64"
    assert document.params == (("name", "results.pdf"),)
    assert document.disposition == ("attachment", (("filename", "results.pdf"),))
    encoded = base64.encodebytes(pdf).replace(b"\n", b"\r\n")
    assert body(mixed, document) == encoded.removesuffix(b"\r\n")
    assert document.lines is None

    assert (forwarded.content_type, forwarded.subtype) == ("message", "rfc822")
    assert forwarded.envelope is not None
    assert forwarded.envelope.subject == "Fwd"
    inner = forwarded.message
    assert inner is not None
    assert inner.header_start == forwarded.body_start
    assert inner.end == forwarded.end
    assert body(mixed, forwarded).startswith(b"From: carol@clinique.example\r\n")
    assert body(mixed, forwarded).endswith(b"--inner--")
    assert forwarded.lines == body(mixed, forwarded).count(b"\n") + 1
    assert [(p.subtype, body(mixed, p)) for p in inner.children] == [
        ("plain", b"plain"),
        ("html", b"<p>html</p>"),
    ]


def test_children_lie_in_order_inside_their_parent_body(well_formed: bytes) -> None:
    for part in all_parts(parse_message(well_formed).body):
        assert part.size == part.end - part.body_start == len(body(well_formed, part))
        previous_end = part.body_start
        for child in part.children:
            assert previous_end <= child.header_start <= child.body_start <= child.end
            previous_end = child.end
        assert previous_end <= part.end


def test_rfc2231_filename_with_utf8_and_continuations() -> None:
    raw = (
        b"Content-Type: application/pdf\r\n"
        b"Content-Disposition: attachment;\r\n"
        b"  filename*0*=UTF-8''compte%20rendu%20;\r\n"
        b"  filename*1*=op%C3%A9ratoire;\r\n"
        b'  filename*2=".pdf"\r\n'
        b"\r\n"
        b"%PDF"
    )
    part = parse_message(raw).body
    assert part.disposition == ("attachment", (("filename", "compte rendu opératoire.pdf"),))


def test_parameters_names_lower_case_values_unquoted() -> None:
    raw = b'Content-Type: Text/HTML; CharSet="ISO-8859-1" (latin); Format=flowed\r\n\r\nx'
    part = parse_message(raw).body
    assert (part.content_type, part.subtype) == ("text", "html")
    assert part.params == (("charset", "ISO-8859-1"), ("format", "flowed"))


def test_other_content_fields() -> None:
    raw = (
        b"Content-Type: image/png\r\n"
        b"Content-Transfer-Encoding: Base64\r\n"
        b"Content-ID: <logo@hopital.example>\r\n"
        b"Content-Description: Logo\r\n"
        b"Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n"
        b"Content-Language: fr, en-GB\r\n"
        b"Content-Location: http://hopital.example/logo.png\r\n"
        b"Content-Disposition: inline\r\n"
        b"\r\n"
        b"iVBORw0KGgo="
    )
    part = parse_message(raw).body
    assert part.encoding == "BASE64"
    assert part.content_id == "<logo@hopital.example>"
    assert part.description == "Logo"
    assert part.md5 == "Q2hlY2sgSW50ZWdyaXR5IQ=="
    assert part.language == ("fr", "en-GB")
    assert part.location == "http://hopital.example/logo.png"
    assert part.disposition == ("inline", ())


def test_digest_parts_default_to_message_rfc822() -> None:
    raw = (
        b'Content-Type: multipart/digest; boundary="d"\r\n\r\n'
        b"--d\r\n\r\nSubject: one\r\n\r\nfirst\r\n"
        b"--d--\r\n"
    )
    (part,) = parse_message(raw).body.children
    assert (part.content_type, part.subtype) == ("message", "rfc822")
    assert part.envelope is not None
    assert part.envelope.subject == "one"


def _nested(levels: int) -> bytes:
    raw = b"Content-Type: text/plain\r\n\r\ndeep"
    for level in range(levels):
        raw = (
            f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n'.encode()
            + f"--b{level}\r\n".encode()
            + raw
            + f"\r\n--b{level}--".encode()
        )
    return raw


def test_nesting_beyond_the_limit_becomes_an_opaque_leaf() -> None:
    structure = parse_message(_nested(MAX_DEPTH + 8))
    part, depth = structure.body, 0
    while part.children:
        (part,) = part.children
        depth += 1
    assert depth == MAX_DEPTH
    assert (part.content_type, part.subtype) == ("application", "octet-stream")
    assert part.params == ()


def test_nesting_within_the_limit_is_opened() -> None:
    part = parse_message(_nested(MAX_DEPTH)).body
    while part.children:
        (part,) = part.children
    assert (part.content_type, part.subtype) == ("text", "plain")


def test_too_many_parts_leave_the_container_unopened() -> None:
    raw = b'Content-Type: multipart/mixed; boundary="p"\r\n\r\n' + b"--p\r\n\r\nx\r\n" * (
        MAX_PARTS + 1
    )
    part = parse_message(raw).body
    assert (part.content_type, part.subtype, part.children) == ("application", "octet-stream", ())
