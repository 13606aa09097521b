"""The vault as every front end uses it: file, list, read, rename and delete one owner's
documents.

Filing needs only the owner's public key, so delivery (XDM import) and the signature service can
file for an owner who is not signed in; reading and renaming take the unlocked account.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from mss.accounts import UnlockedAccount
from mss.store.records import Account
from mss.vault.kinds import guess_type
from mss.vault.model import Document, DocumentMeta, DocumentSource
from mss.vault.sealing import content_tag, open_content, open_meta, reseal_meta, seal_document
from mss.vault.store import VaultStore

MAX_TITLE = 200


class VaultService:
    def __init__(
        self,
        store: VaultStore,
        secret: bytes,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._secret = secret
        self._clock = clock

    async def file(self, owner: Account, meta: DocumentMeta, content: bytes) -> int:
        """Seal ``content`` to ``owner`` and file it; the id of the document, which is the one
        already filed when the owner holds identical content."""
        tag = content_tag(self._secret, owner.id, content)
        sealed = seal_document(meta, content, owner.encryption_key, int(self._clock()), tag)
        record = await self._store.add_document(owner.id, sealed)
        return record.id

    async def add(self, owner: UnlockedAccount, meta: DocumentMeta, content: bytes) -> Document:
        """As :meth:`file`, with the document as filed (its first metadata if it was known)."""
        return await self.get(owner, await self.file(owner.account, meta, content))

    async def filed(self, owner: Account, contents: Sequence[bytes]) -> list[int | None]:
        """For each of ``contents``, the id of the owner's document holding it, or None: what
        lets a page say "already in my documents" (the same keyed tag as :meth:`file`)."""
        tags = [content_tag(self._secret, owner.id, content) for content in contents]
        found = await self._store.filed_tags(owner.id, tags)
        return [found.get(tag) for tag in tags]

    async def file_signed(self, owner: Account, pdf: bytes, title: str, filename: str) -> None:
        """The signature service's ``SignedCopyFiler``: a signer's copy of the signed PDF."""
        meta = DocumentMeta(
            title=title[:MAX_TITLE],
            doc_type=guess_type(filename),
            filename=filename,
            content_type="application/pdf",
            document_date=int(self._clock()),
            source=DocumentSource(kind="signature"),
        )
        await self.file(owner, meta, pdf)

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

    async def rename(self, owner: UnlockedAccount, document_id: int, title: str) -> Document:
        """A new title; ValueError when it is empty or too long."""
        title = title.strip()
        if not title or len(title) > MAX_TITLE:
            raise ValueError("title must hold 1 to 200 characters")
        record = await self._store.get_document(owner.account.id, document_id)
        renamed = replace(open_meta(record, owner.keys), title=title)
        await self._store.update_meta(
            owner.account.id, document_id, reseal_meta(record, owner.keys, renamed)
        )
        return Document(record.id, record.size, record.created_at, renamed)

    async def delete(self, owner: UnlockedAccount, document_id: int) -> None:
        await self._store.delete_document(owner.account.id, document_id)
