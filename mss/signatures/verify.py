"""Checking a signed PDF offline against the operator's signing CA (``mss sign verify``)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from mss.signatures.document import CERTIFICATION_FIELD


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    field: str
    signer: str
    valid: bool
    timestamped: bool
    modification: str


@dataclass(frozen=True, slots=True)
class Report:
    signatures: tuple[SignatureCheck, ...]
    certified_sha256: str | None
    """Hash of the certified revision: what every signer was shown."""

    @property
    def valid(self) -> bool:
        return bool(self.signatures) and all(s.valid for s in self.signatures)


def verify_pdf(document: bytes, trust_root: asn1_x509.Certificate) -> Report:
    try:
        reader = PdfFileReader(io.BytesIO(document), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError) as error:
        raise ValueError(f"not a readable PDF: {error}") from error
    context = ValidationContext(trust_roots=[trust_root], allow_fetching=False)
    checks = []
    certified = None
    for signature in embedded:
        status = validate_pdf_signature(signature, context)
        checks.append(
            SignatureCheck(
                field=signature.field_name,
                signer=status.signing_cert.subject.human_friendly,
                valid=status.bottom_line,
                timestamped=status.timestamp_validity is not None,
                modification=str(
                    status.modification_level.name if status.modification_level else ""
                ),
            )
        )
        if signature.field_name == CERTIFICATION_FIELD:
            certified = hashlib.sha256(
                certified_revision(document, signature.byte_range)
            ).hexdigest()
    return Report(tuple(checks), certified)


def certified_revision(document: bytes, byte_range: list[int]) -> bytes:
    """The file as it was when the certification signature was made (§12.8.1: the byte range
    ends where that revision ends)."""
    return document[: byte_range[2] + byte_range[3]]
