"""The narrow store the vault needs (``mss.store.vault_repository.SqlVaultStore`` is the SQL one).

Every method names the owner: another account's document id is "not found" (``NotFound``),
exactly like one that never existed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from mss.store.vault_records import DocumentRecord, NewDocument


class VaultStore(Protocol):
    async def add_document(self, account_id: int, document: NewDocument) -> DocumentRecord: ...

    async def filed_tags(self, account_id: int, tags: Sequence[bytes]) -> dict[bytes, int]:
        """Of ``tags``, the content tags the owner has filed, each with its document's id."""
        ...

    async def list_documents(self, account_id: int) -> list[DocumentRecord]: ...

    async def get_document(self, account_id: int, document_id: int) -> DocumentRecord: ...

    async def get_content(self, account_id: int, document_id: int) -> bytes: ...

    async def update_meta(self, account_id: int, document_id: int, meta: bytes) -> None: ...

    async def delete_document(self, account_id: int, document_id: int) -> None: ...
