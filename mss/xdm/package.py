"""Build an IHE_XDM.ZIP from a list of documents (ITI TF-3 §4.2.4, DOMAIN.md "IHE XDM").

Layout written: ``README.TXT``, ``INDEX.HTM`` at the root, the documents and ``METADATA.XML``
in ``IHE_XDM/SUBSET01/``. Document names inside the zip are generated (``DOC0001.XML``,
``DOC0002.PDF``...), never taken from the sender, so a caller cannot steer a path.
"""

from __future__ import annotations

import hashlib
import html
import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime

from mss.xdm.metadata import LOINC_OID, Code, EntryMetadata, submit_objects_request

ZIP_NAME = "IHE_XDM.ZIP"
SUBSET = "IHE_XDM/SUBSET01"
METADATA_PATH = f"{SUBSET}/METADATA.XML"

# Format codes of the French CI-SIS / IHE for the two shapes the trust space carries.
CDA_FORMAT = Code("urn:ihe:iti:xds-sd:text:2008", "1.3.6.1.4.1.19376.1.2.3", "Document CDA R2")
PDF_FORMAT = Code("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", "Document PDF")
NORMAL_CONFIDENTIALITY = Code("N", "2.16.840.1.113883.5.25", "Normal")
DEFAULT_CLASS = Code("11488-4", LOINC_OID, "Compte rendu")

_EXTENSIONS = {
    "text/xml": "XML",
    "application/xml": "XML",
    "application/hl7-v3+xml": "XML",
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "text/plain": "TXT",
}
_COMPRESSED = frozenset({"application/pdf", "image/jpeg", "image/png"})


@dataclass(frozen=True)
class XdmDocument:
    """One document to package: its bytes and what the patient's vault files it by."""

    content: bytes
    mime_type: str
    title: str
    type_code: str  # LOINC
    type_label: str  # French label
    created: datetime
    author: str = ""
    class_code: Code = DEFAULT_CLASS
    format_code: Code | None = None

    def format(self) -> Code:
        """The format code given, else the one implied by the MIME type."""
        if self.format_code is not None:
            return self.format_code
        return PDF_FORMAT if self.mime_type == "application/pdf" else CDA_FORMAT


@dataclass(frozen=True)
class XdmSubmission:
    """Who sends what for whom: the submission set's fields."""

    ins: str
    author: str
    author_institution: str
    documents: list[XdmDocument]
    source_oid: str = "1.2.250.1.213.1.1.9"
    submitted: datetime = field(default_factory=lambda: datetime.now(UTC))


class XdmBuildError(ValueError):
    """The submission cannot be packaged (no document, unknown type, missing INS)."""


def document_name(index: int, mime_type: str) -> str:
    """The generated file name of the `index`-th document (1-based)."""
    extension = _EXTENSIONS.get(mime_type)
    if extension is None:
        raise XdmBuildError(f"unsupported document type {mime_type!r}")
    return f"DOC{index:04d}.{extension}"


def _entry(index: int, doc: XdmDocument, submission: XdmSubmission) -> EntryMetadata:
    return EntryMetadata(
        uri=document_name(index, doc.mime_type),
        mime_type=doc.mime_type,
        title=doc.title,
        type_code=Code(doc.type_code, LOINC_OID, doc.type_label),
        class_code=doc.class_code,
        format_code=doc.format(),
        confidentiality=NORMAL_CONFIDENTIALITY,
        author=doc.author or submission.author,
        author_institution=submission.author_institution,
        creation_time=doc.created,
        sha1_hex=hashlib.sha1(doc.content, usedforsecurity=False).hexdigest(),
        size=len(doc.content),
    )


def _readme(submission: XdmSubmission) -> str:
    # ITI TF-3 §4.2.4.1.1: README.TXT names the sending institution and application.
    return (
        "IHE XDM package / Paquet IHE XDM\r\n"
        f"Emetteur : {submission.author} ({submission.author_institution})\r\n"
        "Application : MSS, messagerie securisee de sante\r\n"
        f"Documents : {len(submission.documents)}\r\n"
    )


def _index(entries: list[EntryMetadata]) -> str:
    # ITI TF-3 §4.2.4.1.1: INDEX.HTM lists and links the content for a human reader.
    rows = "".join(
        f'<li><a href="{SUBSET}/{html.escape(e.uri)}">{html.escape(e.title)}</a>'
        f" ({html.escape(e.type_code.display)})</li>"
        for e in entries
    )
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        "<title>Documents</title></head><body><h1>Documents transmis</h1>"
        f'<ul>{rows}</ul><p><a href="README.TXT">README.TXT</a></p></body></html>'
    )


def build_package(submission: XdmSubmission) -> bytes:
    """The IHE_XDM.ZIP bytes for `submission`, with METADATA.XML describing every document."""
    if not submission.documents:
        raise XdmBuildError("an XDM package needs at least one document")
    if not submission.ins.strip():
        raise XdmBuildError("an XDM package needs the patient's INS")
    entries = [_entry(i, doc, submission) for i, doc in enumerate(submission.documents, 1)]
    metadata = submit_objects_request(
        entries,
        submission.ins,
        submission.author,
        submission.author_institution,
        submission.source_oid,
        submission.submitted,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.TXT", _readme(submission))
        archive.writestr("INDEX.HTM", _index(entries))
        archive.writestr(METADATA_PATH, metadata)
        for entry, doc in zip(entries, submission.documents, strict=True):
            # PDF and images are compressed already: deflating them again costs milliseconds
            # per hundred KiB for nothing (APPNOTE.TXT §4.4.5, method 0 "stored").
            method = zipfile.ZIP_STORED if doc.mime_type in _COMPRESSED else None
            archive.writestr(f"{SUBSET}/{entry.uri}", doc.content, compress_type=method)
    return buffer.getvalue()
