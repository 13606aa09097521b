"""PDFs that must not be signed are refused at creation, each with a clear French reason."""

from __future__ import annotations

import pytest
from pdfs import encrypted_pdf, javascript_pdf, launch_pdf, plain_pdf, with_catalog_entry
from pyhanko.pdf_utils import generic

from mss.signatures import pdfcheck
from mss.signatures.pdfcheck import RefusedPdf, check_pdf


def test_a_plain_document_passes() -> None:
    checked = check_pdf(plain_pdf(pages=3))
    assert checked.pages == 3
    assert checked.last_page_size == (595.0, 842.0)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (encrypted_pdf, "chiffré"),
        (javascript_pdf, "JavaScript"),
        (launch_pdf, "Launch"),
        (
            lambda: with_catalog_entry(
                "/Names",
                generic.DictionaryObject(
                    {generic.NameObject("/EmbeddedFiles"): generic.DictionaryObject()}
                ),
            ),
            "EmbeddedFiles",
        ),
        (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 100, "illisible"),
        (lambda: b"MZ\x90\x00 not a pdf", "n'est pas un PDF"),
    ],
)
def test_hostile_documents_are_refused(make: object, reason: str) -> None:
    with pytest.raises(RefusedPdf, match=reason):
        check_pdf(make())  # type: ignore[operator]


def test_too_many_pages_and_too_many_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limits are read at call time: lowered here so the test needs no 10,000-page file."""
    document = plain_pdf(pages=6)
    monkeypatch.setattr(pdfcheck, "MAX_PAGES", 5)
    with pytest.raises(RefusedPdf, match="6 pages"):
        check_pdf(document)
    monkeypatch.setattr(pdfcheck, "MAX_BYTES", len(document) - 1)
    with pytest.raises(RefusedPdf, match="dépasse"):
        check_pdf(document)


def test_an_already_signed_document_is_refused(authority: object) -> None:
    from mss.signatures import document
    from mss.signatures.pki import SigningAuthority
    from mss.signatures.timestamping import timestamper

    assert isinstance(authority, SigningAuthority)
    original = plain_pdf()
    prepared = document.prepare(original, "Déjà signé", document.automatic_placements(original, 1))
    certified = document.certify(prepared, authority.operator, None, timestamper(authority))
    with pytest.raises(RefusedPdf, match="déjà une signature"):
        check_pdf(certified)
