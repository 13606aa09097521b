"""ENVELOPE, BODY and BODYSTRUCTURE from the message model (RFC 3501 §7.4.2)."""

from __future__ import annotations

from dataclasses import replace

from mss.imap.fetch.encode_body import body, envelope
from mss.mime.model import BodyPart, Envelope, EnvelopeAddress, Params

GRAY = EnvelopeAddress("Terry Gray", None, "gray", "cac.washington.edu")

RFC3501_ENVELOPE = Envelope(
    date="Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
    subject="IMAP4rev1 WG mtg summary and minutes",
    from_=(GRAY,),
    sender=(GRAY,),
    reply_to=(GRAY,),
    to=(EnvelopeAddress(None, None, "imap", "cac.washington.edu"),),
    cc=(
        EnvelopeAddress(None, None, "minutes", "CNRI.Reston.VA.US"),
        EnvelopeAddress("John Klensin", None, "KLENSIN", "MIT.EDU"),
    ),
    bcc=(),
    in_reply_to=None,
    message_id="<B27397-0100000@cac.washington.edu>",
)


def part(
    content_type: str = "text",
    subtype: str = "plain",
    params: Params = (("charset", "US-ASCII"),),
    *,
    size: int = 0,
    lines: int | None = 0,
    **changes: object,
) -> BodyPart:
    """A body part with the fields a test does not care about left empty."""
    base = BodyPart(
        content_type=content_type,
        subtype=subtype,
        params=params,
        content_id=None,
        description=None,
        encoding="7bit",
        size=size,
        lines=lines,
        md5=None,
        disposition=None,
        language=None,
        location=None,
        header_start=0,
        body_start=0,
        end=size,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_envelope_rfc3501_example() -> None:
    assert envelope(RFC3501_ENVELOPE) == (
        b'("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" '
        b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
        b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
        b'(("Terry Gray" NIL "gray" "cac.washington.edu")) '
        b'((NIL NIL "imap" "cac.washington.edu")) '
        b'((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) '
        b'NIL NIL "<B27397-0100000@cac.washington.edu>")'
    )


def test_sender_and_reply_to_default_to_from() -> None:
    # RFC 3501 §7.4.2: absent Sender and Reply-To take the value of From.
    bare = replace(RFC3501_ENVELOPE, sender=(), reply_to=(), cc=(), message_id=None)
    encoded = envelope(bare)
    assert encoded.count(b'(("Terry Gray" NIL "gray" "cac.washington.edu"))') == 3
    assert encoded.endswith(b"NIL NIL NIL NIL)")


def test_group_syntax_markers() -> None:
    group = replace(
        RFC3501_ENVELOPE,
        to=(
            EnvelopeAddress(None, None, "undisclosed-recipients", None),
            EnvelopeAddress(None, None, None, None),
        ),
    )
    assert b'((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL))' in envelope(group)


def test_8bit_and_multiline_envelope_values_are_literals() -> None:
    value = replace(RFC3501_ENVELOPE, subject="Réunion")
    assert b'"IMAP4rev1' not in envelope(value)
    assert b"{8}\r\nR\xc3\xa9union" in envelope(value)


def test_body_of_a_text_part_rfc3501_example() -> None:
    text = part(size=3028, lines=92)
    assert body(text, extended=False) == (
        b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92)'
    )
    assert body(text, extended=True) == (
        b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92 NIL NIL NIL NIL)'
    )


def test_body_of_a_multipart_rfc3501_example() -> None:
    message = part(
        "multipart",
        "mixed",
        (("boundary", "xyz"),),
        lines=None,
        children=(
            part(size=1152, lines=23),
            part(
                params=(("charset", "US-ASCII"), ("name", "cc.diff")),
                content_id="<960723163407.20117h@cac.washington.edu>",
                description="Compiler diff",
                encoding="base64",
                size=4554,
                lines=73,
            ),
        ),
    )
    assert body(message, extended=False) == (
        b'(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)'
        b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") '
        b'"<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")'
    )
    assert body(message, extended=True).endswith(b' "MIXED" ("BOUNDARY" "xyz") NIL NIL NIL)')


def test_bodystructure_extension_data() -> None:
    attachment = part(
        "application",
        "pdf",
        (("name", "résultats.pdf"),),
        size=1000,
        lines=None,
        encoding="base64",
        md5="Q2hlY2sgSW50ZWdyaXR5IQ==",
        disposition=("attachment", (("filename", "r.pdf"),)),
        language=("fr", "en"),
        location="http://example.org/r.pdf",
    )
    assert body(attachment, extended=True) == (
        b'("APPLICATION" "PDF" ("NAME" {14}\r\nr\xc3\xa9sultats.pdf) NIL NIL "BASE64" 1000 '
        b'"Q2hlY2sgSW50ZWdyaXR5IQ==" ("ATTACHMENT" ("FILENAME" "r.pdf")) ("fr" "en") '
        b'"http://example.org/r.pdf")'
    )
    assert body(attachment, extended=False) == (
        b'("APPLICATION" "PDF" ("NAME" {14}\r\nr\xc3\xa9sultats.pdf) NIL NIL "BASE64" 1000)'
    )
    single = replace(attachment, language=("fr",), params=())
    assert b'NIL NIL NIL "BASE64" 1000 "Q2hl' in body(single, extended=True)
    assert b'("FILENAME" "r.pdf")) "fr" "http' in body(single, extended=True)


def test_multipart_with_nested_message_rfc822() -> None:
    inner = part("text", "html", (("charset", "utf-8"),), size=20, lines=1)
    forwarded = part(
        "message",
        "rfc822",
        (),
        size=300,
        lines=12,
        envelope=RFC3501_ENVELOPE,
        message=inner,
    )
    outer = part(
        "multipart", "mixed", (("boundary", "b1"),), children=(part(size=5, lines=1), forwarded)
    )
    structure = body(outer, extended=True)
    assert structure.startswith(b'(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 5 1 NIL')
    assert (
        b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 300 ' + envelope(RFC3501_ENVELOPE) + b" "
        b'("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "7BIT" 20 1 NIL NIL NIL NIL) 12 '
        b"NIL NIL NIL NIL)"
    ) in structure
    assert structure.endswith(b' "MIXED" ("BOUNDARY" "b1") NIL NIL NIL)')
    nested_plain = body(outer, extended=False)
    assert b'("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "7BIT" 20 1) 12)' in nested_plain


def test_multipart_without_parts_still_has_one_body() -> None:
    empty = part("multipart", "alternative", (), lines=None)
    assert body(empty, extended=False) == (
        b'(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0) "ALTERNATIVE")'
    )
