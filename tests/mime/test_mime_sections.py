"""Part numbers (RFC 3501 §6.4.5), decoded contents and the attachment list."""

from __future__ import annotations

from mss.mime import (
    AttachmentInfo,
    attachments,
    decoded_body,
    find_part,
    iter_text,
    parse_message,
    text_of,
)
from mss.mime.transfer import decode_transfer


def test_part_one_of_a_single_part_message_is_its_body(simple: bytes) -> None:
    structure = parse_message(simple)
    assert find_part(structure, (1,)) is structure.body
    assert find_part(structure, ()) is structure.body
    assert find_part(structure, (2,)) is None
    assert find_part(structure, (1, 1)) is None


def test_numbering_enters_encapsulated_messages(mixed: bytes) -> None:
    structure = parse_message(mixed)
    forwarded = find_part(structure, (3,))
    assert forwarded is not None
    assert forwarded.subtype == "rfc822"
    html = find_part(structure, (3, 2))
    assert html is not None
    assert html.subtype == "html"
    assert find_part(structure, (3, 3)) is None
    assert find_part(structure, (0,)) is None
    assert find_part(structure, (1, 1)) is None
    assert find_part(structure, (4,)) is None


def test_part_one_of_a_single_part_encapsulated_message() -> None:
    raw = b"Content-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\ninner body"
    structure = parse_message(raw)
    inner = find_part(structure, (1, 1))
    assert inner is not None
    assert decoded_body(raw, inner) == b"inner body"
    assert find_part(structure, (1,)) is structure.body


def test_decoding_transfer_encodings(mixed: bytes, pdf: bytes) -> None:
    structure = parse_message(mixed)
    text, document = structure.body.children[:2]
    assert text_of(mixed, text) == "Voici les résultats."
    assert decoded_body(mixed, document) == pdf


def test_tolerant_base64() -> None:
    assert decode_transfer(b"YWJj\r\nZA", "BASE64") == b"abcd"
    assert decode_transfer(b"YW*Jj!!\r\n", "BASE64") == b"abc"
    assert decode_transfer(b"YQ==YQ==", "BASE64") == b"aa"
    assert decode_transfer(b"YWJjZ", "BASE64") == b"abc"
    assert decode_transfer(b"====", "BASE64") == b""


def test_tolerant_quoted_printable() -> None:
    assert decode_transfer(b"a=\r\nb=3Dc=ZZ=", "QUOTED-PRINTABLE") == b"ab=c=ZZ"
    assert decode_transfer(b"\xff=C3=A9", "QUOTED-PRINTABLE") == b"\xff\xc3\xa9"
    assert decode_transfer(b"=C3=A9", "X-UNKNOWN") == b"=C3=A9"


def test_text_charsets() -> None:
    def text(content_type: bytes, body: bytes) -> str:
        raw = b"Content-Type: " + content_type + b"\r\n\r\n" + body
        return text_of(raw, parse_message(raw).body)

    assert text(b"text/plain; charset=iso-8859-1", b"caf\xe9") == "café"
    assert text(b"text/plain", b"caf\xc3\xa9") == "café"
    assert text(b"text/plain; charset=utf-8", b"caf\xe9") == "caf\ufffd"
    assert text(b"text/plain; charset=x-nonsense", b"caf\xc3\xa9") == "café"
    assert text(b"text/plain; charset=hex", b"caf\xc3\xa9") == "café"
    assert text(b"text/plain; charset=idna", b"abc") == "abc"


def test_iter_text_walks_every_text_leaf(mixed: bytes, alternative: bytes) -> None:
    assert list(iter_text(mixed, parse_message(mixed))) == [
        "Voici les résultats.",
        "plain",
        "<p>html</p>",
    ]
    assert list(iter_text(alternative, parse_message(alternative))) == ["café", "<p>café</p>"]


def test_attachments_of_a_mixed_message(mixed: bytes) -> None:
    structure = parse_message(mixed)
    _, document, forwarded = structure.body.children
    assert attachments(structure) == [
        AttachmentInfo((2,), "results.pdf", "application/pdf", document.size, "attachment"),
        AttachmentInfo((3,), None, "message/rfc822", forwarded.size, None),
    ]


def test_no_attachments_in_text_only_messages(simple: bytes, alternative: bytes) -> None:
    assert attachments(parse_message(simple)) == []
    assert attachments(parse_message(alternative)) == []


def test_attachment_names_rfc2047_and_inline_images() -> None:
    raw = (
        b'Content-Type: multipart/related; boundary="r"\r\n\r\n'
        b"--r\r\nContent-Type: text/html\r\n\r\n<img src=cid:i>\r\n"
        b"--r\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\n\r\nPNG\r\n"
        b'--r\r\nContent-Type: text/plain; name="=?UTF-8?B?Y29tcHRlLXJlbmR1LnR4dA==?="\r\n\r\n'
        b"notes\r\n"
        b'--r\r\nContent-Type: text/plain; name="=?x-bad?B?!!?="\r\n\r\nx\r\n'
        b"--r--\r\n"
    )
    assert attachments(parse_message(raw)) == [
        AttachmentInfo((2,), None, "image/png", 3, "inline"),
        AttachmentInfo((3,), "compte-rendu.txt", "text/plain", 5, None),
        AttachmentInfo((4,), "=?x-bad?B?!!?=", "text/plain", 1, None),
    ]


def test_a_message_that_is_only_a_document() -> None:
    raw = b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg=="
    assert attachments(parse_message(raw)) == [
        AttachmentInfo((1,), None, "application/pdf", 8, None)
    ]


def test_inline_images_of_a_related_body_are_not_attachments() -> None:
    # RFC 2387: the images an HTML body shows through cid: (RFC 2392) are part of the body;
    # one its sender marked as an attachment, or one without a Content-ID, is still listed.
    raw = (
        b'Content-Type: multipart/mixed; boundary="m"\r\n\r\n'
        b'--m\r\nContent-Type: multipart/related; boundary="r"\r\n\r\n'
        b'--r\r\nContent-Type: text/html\r\n\r\n<img src="cid:logo@x">\r\n'
        b"--r\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\n"
        b'Content-Disposition: inline; filename="logo.png"\r\n\r\nPNG\r\n'
        b"--r\r\nContent-Type: image/png\r\nContent-ID: <plan@x>\r\n"
        b'Content-Disposition: attachment; filename="plan.png"\r\n\r\nPNG\r\n'
        b"--r--\r\n"
        b'--m\r\nContent-Type: application/pdf; name="cr.pdf"\r\nContent-ID: <cr@x>\r\n\r\n'
        b"%PDF\r\n--m--\r\n"
    )
    listed = [(a.path, a.filename) for a in attachments(parse_message(raw))]
    assert listed == [((1, 3), "plan.png"), ((2,), "cr.pdf")]
