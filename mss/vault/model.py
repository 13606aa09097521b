"""What a vault document says about itself, sealed with it (never in the clear)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

# Where a document came from: uploaded by its owner, saved from a message, filed from an IHE XDM
# package received by mail, or a signed copy from the signature service.
SOURCES = ("upload", "message", "xdm", "signature")


@dataclass(frozen=True, slots=True)
class DocumentSource:
    """``kind`` is one of :data:`SOURCES`; a message or package also names who sent it, its
    subject and Message-ID."""

    kind: str
    sender: str = ""
    subject: str = ""
    message_id: str = ""


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """``doc_type`` is the vault's coarse kind (see :mod:`mss.vault.kinds`); ``type_code`` the
    LOINC code and ``type_label`` its French label when the document came with one;
    ``document_date`` is the date of the act (Unix seconds)."""

    title: str
    doc_type: str
    filename: str
    content_type: str
    document_date: int
    source: DocumentSource
    type_code: str = ""
    type_label: str = ""
    author: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    size: int
    created_at: int
    meta: DocumentMeta


def encode_meta(meta: DocumentMeta) -> bytes:
    return json.dumps(asdict(meta), ensure_ascii=False, separators=(",", ":")).encode()


def decode_meta(data: bytes) -> DocumentMeta:
    """Also reads documents filed before the LOINC code, label and author were kept."""
    raw = json.loads(data)
    source = raw.get("source") or {}
    return DocumentMeta(
        title=str(raw["title"]),
        doc_type=str(raw["doc_type"]),
        filename=str(raw["filename"]),
        content_type=str(raw["content_type"]),
        document_date=int(raw["document_date"]),
        source=DocumentSource(
            kind=str(source.get("kind", "upload")),
            sender=str(source.get("sender", "")),
            subject=str(source.get("subject", "")),
            message_id=str(source.get("message_id", "")),
        ),
        type_code=str(raw.get("type_code", "")),
        type_label=str(raw.get("type_label", "")),
        author=str(raw.get("author", "")),
    )
