"""The one-line preview: taken from the text at delivery, sealed in the summary, and read back
as none from summaries written before it was kept."""

from __future__ import annotations

import struct

import pytest

from crypto import AccountKeys
from mss.mailcrypto import (
    MessageSummary,
    decode_summary,
    encode_summary,
    open_content_key,
    open_summary,
    seal_message,
)
from mss.mime import parse_message, structure_to_json
from mss.mime.preview import PREVIEW_CHARS, preview_of
from mss.store.records import MessageRecord


def preview(raw: bytes) -> str:
    return preview_of(raw, parse_message(raw))


def test_a_reply_previews_its_new_text_not_the_quotation() -> None:
    raw = (
        b"Subject: Re: Bilan\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Merci docteur,\r\n\r\nje viendrai mardi.\r\n\r\n"
        b"Le 3 mai 2026, Dr Martin a \xc3\xa9crit :\r\n> Votre bilan est normal.\r\n"
        b"> Bonne journ\xc3\xa9e\r\n-- \r\nLouise\r\n"
    )
    assert preview(raw) == "Merci docteur, je viendrai mardi."


def test_html_only_mail_previews_its_visible_text() -> None:
    raw = (
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><head><style>p{color:red}</style><title>Lettre</title></head><body>"
        b"<h2>Lettre&nbsp;d'hiver</h2><p>Pensez au vaccin.</p><script>x()</script>"
        b"<blockquote>Ancien message</blockquote></body></html>"
    )
    assert preview(raw) == "Lettre\xa0d'hiver Pensez au vaccin.".replace("\xa0", " ")


def test_multipart_prefers_the_plain_alternative_and_skips_attachments() -> None:
    raw = (
        b'Content-Type: multipart/mixed; boundary="m"\r\n\r\n'
        b'--m\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="a.txt"'
        b"\r\n\r\nPIECE JOINTE\r\n"
        b'--m\r\nContent-Type: multipart/alternative; boundary="a"\r\n\r\n'
        b"--a\r\nContent-Type: text/plain\r\n\r\nTexte brut\r\n"
        b"--a\r\nContent-Type: text/html\r\n\r\n<p>Texte HTML</p>\r\n--a--\r\n--m--\r\n"
    )
    assert preview(raw) == "Texte brut"


def test_long_text_is_cut_and_no_text_is_no_preview() -> None:
    long = b"Content-Type: text/plain\r\n\r\n" + b"mot " * 200
    cut = preview(long)
    assert len(cut) == PREVIEW_CHARS and cut.endswith("\u2026")
    assert preview(b"Content-Type: application/pdf\r\n\r\n%PDF") == ""


def _record(sealed_summary: bytes, object_id: bytes, sealed_key: bytes) -> MessageRecord:
    return MessageRecord(1, 1, 1, frozenset(), 0, 0, object_id, sealed_key, sealed_summary)


def test_the_preview_is_sealed_in_the_summary_only() -> None:
    keys = AccountKeys.generate()
    raw = b"Subject: Vaccin\r\nContent-Type: text/plain\r\n\r\nRappel VACCINPREVIEW demain\r\n"
    sealed = seal_message(raw, keys.public.encryption, frozenset(), 1_800_000_000)
    record = _record(sealed.summary, sealed.object_id, sealed.sealed_key)
    opened = open_summary(record, open_content_key(record, keys))
    assert opened.preview == "Rappel VACCINPREVIEW demain"
    assert b"VACCINPREVIEW" not in sealed.summary + sealed.content


@pytest.mark.parametrize("padding", [0, 1, 3, 4, 4096])
def test_summaries_written_before_previews_read_as_none(padding: int) -> None:
    raw = b"Subject: Ancien\r\nContent-Type: text/plain\r\n\r\nAncien message\r\n"
    structure = parse_message(raw)
    encoded = structure_to_json(structure)
    header = raw[: structure.header_end]
    length = struct.Struct(">I")
    old = b"".join(
        (
            struct.pack(">qQ", 1_800_000_000, len(raw)),
            length.pack(len(encoded)),
            encoded,
            length.pack(len(header)),
            header,
            bytes(padding),
        )
    )
    summary = decode_summary(old)
    assert (summary.preview, summary.header, summary.size) == ("", header, len(raw))
    fresh = MessageSummary(structure, header, 1_800_000_000, len(raw), "Ancien message")
    assert decode_summary(encode_summary(fresh, padding)) == fresh
