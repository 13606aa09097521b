"""The life of a PDF to sign, in the order the PDF rules allow (ISO 32000-1 §12.8).

A certification signature must be the document's first signature (§12.8.2.2), and anything
added after an approval signature other than form filling and signing breaks it. So:

1. :func:`prepare` appends the "certificat de signature" page and every signature field in one
   revision: one field per signer (given or placed at the foot of the last page), and the
   page-sized field that will carry the audit trail, which locks every field once signed
   (FieldMDP /All, §12.8.2.4).
2. :func:`certify` has the operator certify that revision with DocMDP P=2: from then on only
   filling and signing those fields keeps the certification valid.
3. :func:`sign` adds each signer's PAdES signature (B-T: timestamped) into their field, with a
   visible stamp.
4. :func:`finalise` has the operator sign the audit field, its appearance being the trail.

pyHanko's validator reports every signature of the result intact, trusted and within the
document's modification policy (tests/signatures/).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyhanko.pdf_utils import generic, text
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigFieldSpec
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from mss.signatures.pdfcheck import check_pdf
from mss.signatures.pki import Issued

AUDIT_FIELD = "Certificat"
CERTIFICATION_FIELD = "Certification"
A4 = (595.0, 842.0)
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
"""A font with the French accents for the stamps (Debian's fonts-dejavu-core)."""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a signer's stamp goes: a page (0-based) and a box in points, origin bottom left."""

    page: int
    box: tuple[int, int, int, int]


def field_name(index: int) -> str:
    return f"Signataire{index + 1}"


def automatic_placements(pdf: bytes, count: int) -> list[Placement]:
    """Side by side at the foot of the last page, two per row."""
    checked = check_pdf(pdf)
    width, _ = checked.last_page_size
    placements = []
    column = (width - 80) / 2
    for index in range(count):
        row, col = divmod(index, 2)
        left = 40 + col * column
        bottom = 40 + row * 70
        placements.append(
            Placement(checked.pages - 1, (int(left), bottom, int(left + column - 10), bottom + 60))
        )
    return placements


def prepare(pdf: bytes, title: str, placements: Sequence[Placement]) -> bytes:
    """The document as signers will see it: the original pages, the audit page, the fields."""
    checked = check_pdf(pdf)
    for placement in placements:
        if not 0 <= placement.page < checked.pages:
            raise ValueError(f"page {placement.page + 1} does not exist")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    writer.insert_page(_audit_page(writer, title))
    for index, placement in enumerate(placements):
        fields.append_signature_field(
            writer, SigFieldSpec(field_name(index), on_page=placement.page, box=placement.box)
        )
    fields.append_signature_field(
        writer,
        SigFieldSpec(
            AUDIT_FIELD,
            on_page=checked.pages,
            box=(40, 40, int(A4[0]) - 40, int(A4[1]) - 110),
            field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL),
        ),
    )
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def certify(prepared: bytes, operator: Issued, ca: Issued | None, stamper: TimeStamper) -> bytes:
    metadata = signers.PdfSignatureMetadata(
        field_name=CERTIFICATION_FIELD,
        certify=True,
        docmdp_permissions=MDPPerm.FILL_FORMS,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Certification du document par l'opérateur de messagerie",
    )
    return _sign(prepared, metadata, _signer(operator, ca), stamper, None)


def sign(
    document: bytes,
    index: int,
    signer: Issued,
    ca: Issued | None,
    stamper: TimeStamper,
    stamp_text: str,
) -> bytes:
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name(index),
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Signature électronique",
    )
    style = TextStampStyle(
        stamp_text=_literal(stamp_text) + "\n%(ts)s",
        text_box_style=text.TextBoxStyle(font=_font(), font_size=8),
    )
    return _sign(document, metadata, _signer(signer, ca), stamper, style)


def finalise(
    document: bytes, operator: Issued, ca: Issued | None, stamper: TimeStamper, trail: str
) -> bytes:
    metadata = signers.PdfSignatureMetadata(
        field_name=AUDIT_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Certificat de signature : journal des événements",
    )
    style = TextStampStyle(
        stamp_text=_literal(trail),
        text_box_style=text.TextBoxStyle(font=_font(), font_size=9),
        border_width=0,
        background=None,
    )
    return _sign(document, metadata, _signer(operator, ca), stamper, style)


def _sign(
    document: bytes,
    metadata: signers.PdfSignatureMetadata,
    signer: signers.Signer,
    stamper: TimeStamper,
    style: TextStampStyle | None,
) -> bytes:
    output = io.BytesIO()
    pdf_signer = signers.PdfSigner(metadata, signer=signer, timestamper=stamper, stamp_style=style)
    pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(document), strict=False), output=output)
    return output.getvalue()


def _signer(issued: Issued, ca: Issued | None) -> signers.SimpleSigner:
    chain = [ca.certificate] if ca is not None else []
    return signers.SimpleSigner(
        signing_cert=issued.certificate,
        signing_key=issued.key,
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def _literal(value: str) -> str:
    """Stamp text is a %-template in pyHanko: a person's words must not be read as one."""
    return value.replace("%", "%%")


class _FontFromMemory(GlyphAccumulatorFactory):
    """pyHanko's factory opens the font file and never closes it; this one hands it the
    font's bytes instead."""

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: generic.StreamObject | None = None
    ) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(Path(self.font_file).read_bytes()),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


def _font() -> GlyphAccumulatorFactory:
    for candidate in FONT_CANDIDATES:
        if candidate.exists():
            return _FontFromMemory(str(candidate))
    raise FileNotFoundError(
        "no DejaVu Sans font for signature stamps: install Debian's fonts-dejavu-core"
    )


def _audit_page(writer: IncrementalPdfFileWriter, title: str) -> generic.DictionaryObject:
    """A page with its heading; the body is the audit field, filled at the end."""
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Font"),
                generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica"),
                generic.NameObject("/Encoding"): generic.NameObject("/WinAnsiEncoding"),
            }
        )
    )
    heading = _pdf_string("Certificat de signature")
    subtitle = _pdf_string(f"Document : {title[:90]}")
    content = (
        b"BT /F1 18 Tf 40 790 Td (" + heading + b") Tj ET\n"
        b"BT /F1 11 Tf 40 765 Td (" + subtitle + b") Tj ET\n"
    )
    stream = writer.add_object(generic.StreamObject(stream_data=content))
    return generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject(
                [generic.FloatObject(0), generic.FloatObject(0)]
                + [generic.FloatObject(v) for v in A4]
            ),
            generic.NameObject("/Resources"): generic.DictionaryObject(
                {
                    generic.NameObject("/Font"): generic.DictionaryObject(
                        {generic.NameObject("/F1"): font}
                    )
                }
            ),
            generic.NameObject("/Contents"): stream,
        }
    )


def _pdf_string(value: str) -> bytes:
    """A literal string for a WinAnsi font: cp1252 bytes, delimiters escaped (§7.3.4.2)."""
    encoded = value.encode("cp1252", errors="replace")
    return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
