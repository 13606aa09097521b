"""The vault as the webmail uses it: add, list, read and delete one patient's documents.

Every call takes the unlocked account: ids are looked up under that account only, so another
patient's document id is "not found", exactly like one that never existed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from mss.accounts import UnlockedAccount
from mss.store.vault_repository import SqlVaultStore
from webmail.vault.crypto import DocumentMeta, open_content, open_meta, seal_document

# Kinds of documents a patient files (labels in the locale files, ``doctype.<code>``).
DOCUMENT_TYPES = ("report", "prescription", "lab", "imaging", "letter", "certificate", "other")
_TYPE_HINTS = (
    ("ordonnance", "prescription"),
    ("prescription", "prescription"),
    ("compte-rendu", "report"),
    ("compte_rendu", "report"),
    ("cr-", "report"),
    ("resultat", "lab"),
    ("résultat", "lab"),
    ("analyse", "lab"),
    ("biolog", "lab"),
    ("radio", "imaging"),
    ("irm", "imaging"),
    ("scanner", "imaging"),
    ("certificat", "certificate"),
    ("courrier", "letter"),
    ("lettre", "letter"),
)


def guess_type(filename: str) -> str:
    """A first guess from the file name, which the patient can change."""
    lowered = filename.lower()
    return next((code for hint, code in _TYPE_HINTS if hint in lowered), "other")


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    size: int
    created_at: int
    meta: DocumentMeta


class VaultService:
    def __init__(self, store: SqlVaultStore) -> None:
        self._store = store

    async def add(self, owner: UnlockedAccount, meta: DocumentMeta, content: bytes) -> Document:
        now = int(time.time())
        sealed = seal_document(meta, content, owner.account.encryption_key, now)
        record = await self._store.add_document(owner.account.id, sealed)
        return Document(record.id, record.size, record.created_at, meta)

    async def list(self, owner: UnlockedAccount) -> list[Document]:
        records = await self._store.list_documents(owner.account.id)
        return [Document(r.id, r.size, r.created_at, open_meta(r, owner.keys)) for r in records]

    async def get(self, owner: UnlockedAccount, document_id: int) -> Document:
        record = await self._store.get_document(owner.account.id, document_id)
        return Document(record.id, record.size, record.created_at, open_meta(record, owner.keys))

    async def content(self, owner: UnlockedAccount, document_id: int) -> tuple[Document, bytes]:
        record = await self._store.get_document(owner.account.id, document_id)
        blob = await self._store.get_content(owner.account.id, document_id)
        document = Document(
            record.id, record.size, record.created_at, open_meta(record, owner.keys)
        )
        return document, open_content(record, owner.keys, blob)

    async def delete(self, owner: UnlockedAccount, document_id: int) -> None:
        await self._store.delete_document(owner.account.id, document_id)
