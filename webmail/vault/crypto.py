"""Which key and which associated data protect a vault document (as ``mss.mailcrypto`` does for
a message).

A document is one random content key sealed to its owner and two ciphertexts under it: the
metadata (everything a person wrote or that names the document: title, type, file name, media
type, its date, where it came from) and the content. Both are bound to the document's random
object id and to their role, so neither can be moved to another row or swapped with the other.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

from crypto import AccountKeys, decrypt, encrypt, new_content_key, open_key, seal_key
from mss.store.vault_records import DocumentRecord, NewDocument

OBJECT_ID_BYTES = 16


@dataclass(frozen=True, slots=True)
class DocumentSource:
    """Uploaded by the patient (``kind`` "upload"), or saved from a message (``kind``
    "message", with who sent it, its subject and Message-ID)."""

    kind: str
    sender: str = ""
    subject: str = ""
    message_id: str = ""


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    title: str
    doc_type: str
    filename: str
    content_type: str
    document_date: int
    source: DocumentSource


def _aad(object_id: bytes, role: bytes) -> bytes:
    return b"mss/v1/vault/" + object_id + b"/" + role


def encode_meta(meta: DocumentMeta) -> bytes:
    return json.dumps(asdict(meta), ensure_ascii=False, separators=(",", ":")).encode()


def decode_meta(data: bytes) -> DocumentMeta:
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
    )


def seal_document(
    meta: DocumentMeta, content: bytes, owner_key: bytes, created_at: int
) -> NewDocument:
    object_id = os.urandom(OBJECT_ID_BYTES)
    key = new_content_key()
    return NewDocument(
        object_id=object_id,
        sealed_key=seal_key(key, owner_key),
        meta=encrypt(key, encode_meta(meta), _aad(object_id, b"meta")),
        content=encrypt(key, content, _aad(object_id, b"content")),
        size=len(content),
        created_at=created_at,
    )


def open_meta(record: DocumentRecord, keys: AccountKeys) -> DocumentMeta:
    key = open_key(record.sealed_key, keys)
    return decode_meta(decrypt(key, record.meta, _aad(record.object_id, b"meta")))


def open_content(record: DocumentRecord, keys: AccountKeys, blob: bytes) -> bytes:
    key = open_key(record.sealed_key, keys)
    return decrypt(key, blob, _aad(record.object_id, b"content"))
