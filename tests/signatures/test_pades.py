"""The signed PDF as any PAdES validator sees it (pyHanko's, with only the operator's CA as
trust root): certification first, two signers, the audit page signed last, every signature
intact, timestamped and within the document's modification policy; one changed byte fails."""

from __future__ import annotations

import hashlib
import io

import pytest
from pdfs import plain_pdf
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from mss.signatures import audit, document
from mss.signatures.audit import EventKind
from mss.signatures.pki import SignerIdentity, SigningAuthority
from mss.signatures.timestamping import timestamper
from mss.signatures.verify import verify_pdf

PATIENT = SignerIdentity("Camille Durand", "285057512345623@patient.example")
DOCTOR = SignerIdentity("Jeanne Martin", "jeanne.martin@hopital.example", rpps="10001234567")


def _signed(authority: SigningAuthority) -> tuple[bytes, bytes]:
    stamper = timestamper(authority)
    original = plain_pdf(pages=3)
    placements = document.automatic_placements(original, 2)
    prepared = document.prepare(original, "Consentement éclairé (100 %)", placements)
    certified = document.certify(prepared, authority.operator, None, stamper)
    trail = audit.append([], EventKind.SENT, PATIENT.name)
    signed = certified
    for index, who in enumerate((PATIENT, DOCTOR)):
        signer = authority.issue_for(who)
        signed = document.sign(signed, index, signer, None, stamper, f"Signé par {who.name}")
        trail = audit.append(trail, EventKind.SIGNED, who.name, ip="192.0.2.7")
    digest = hashlib.sha256(certified).hexdigest()
    final = document.finalise(
        signed, authority.operator, None, stamper, audit.render(trail, digest)
    )
    return certified, final


@pytest.fixture(scope="module")
def signed(authority: SigningAuthority) -> tuple[bytes, bytes]:
    return _signed(authority)


def _statuses(pdf: bytes, authority: SigningAuthority) -> list[tuple[str, bool, str]]:
    context = ValidationContext(trust_roots=[authority.ca_certificate], allow_fetching=False)
    found = []
    for embedded in PdfFileReader(io.BytesIO(pdf)).embedded_signatures:
        status = validate_pdf_signature(embedded, context)
        assert status.timestamp_validity is not None and status.timestamp_validity.trusted
        found.append(
            (embedded.field_name, status.bottom_line, status.signing_cert.subject.human_friendly)
        )
    return found


def test_every_signature_validates_against_the_operator_ca(
    signed: tuple[bytes, bytes], authority: SigningAuthority
) -> None:
    certified, final = signed
    statuses = _statuses(final, authority)
    assert [(name, ok) for name, ok, _ in statuses] == [
        ("Certification", True),
        ("Signataire1", True),
        ("Signataire2", True),
        ("Certificat", True),
    ]
    assert "Camille Durand" in statuses[1][2]
    assert "RPPS10001234567" in statuses[2][2]
    reader = PdfFileReader(io.BytesIO(final))
    assert int(reader.root["/Pages"]["/Count"]) == 4, "three pages and the certificate"
    report = verify_pdf(final, authority.ca_certificate)
    assert report.valid
    assert report.certified_sha256 == hashlib.sha256(certified).hexdigest()


def test_one_changed_byte_fails_validation(
    signed: tuple[bytes, bytes], authority: SigningAuthority
) -> None:
    _, final = signed
    tampered = bytearray(final)
    at = final.index(b"Consentement eclaire - page 2")
    tampered[at] ^= 0x01
    statuses = _statuses(bytes(tampered), authority)
    assert not any(ok for _, ok, _ in statuses)
    assert not verify_pdf(bytes(tampered), authority.ca_certificate).valid


def test_another_ca_is_not_trusted(
    signed: tuple[bytes, bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    _, final = signed
    stranger = SigningAuthority(tmp_path_factory.mktemp("other"), "Autre opérateur")
    assert not verify_pdf(final, stranger.ca_certificate).valid


def test_a_page_added_after_the_signatures_breaks_them(
    signed: tuple[bytes, bytes], authority: SigningAuthority
) -> None:
    """Why the audit page is added before the certification: adding it afterwards, as a naive
    implementation would, leaves every earlier signature outside the document's policy."""
    _, final = signed
    writer = IncrementalPdfFileWriter(io.BytesIO(final))
    writer.insert_page(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Page"),
                generic.NameObject("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(v) for v in (0, 0, 595, 842)]
                ),
            }
        )
    )
    output = io.BytesIO()
    writer.write(output)
    statuses = _statuses(output.getvalue(), authority)
    assert [ok for _, ok, _ in statuses] == [False, False, False, False]


def test_the_audit_field_locks_every_field(
    signed: tuple[bytes, bytes], authority: SigningAuthority
) -> None:
    """After the operator's last signature nothing can be signed into the document (FieldMDP
    /All): a new signature by a signer's certificate is reported outside the policy."""
    _, final = signed
    stamper = timestamper(authority)
    late = authority.issue_for(PATIENT)
    writer = IncrementalPdfFileWriter(io.BytesIO(final))
    fields.append_signature_field(
        writer, fields.SigFieldSpec("Tardif", on_page=0, box=(10, 10, 50, 50))
    )
    output = io.BytesIO()
    signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="Tardif"),
        signer=document._signer(late, None),
        timestamper=stamper,
    ).sign_pdf(writer, output=output)
    statuses = dict((name, ok) for name, ok, _ in _statuses(output.getvalue(), authority))
    assert statuses["Certificat"] is False, "the audit signature's lock covers later fields"
    assert statuses["Certification"] is False, "P=2 allows no new field"
