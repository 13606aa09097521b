"""The document vault's side of the store: reads on the reader engine, writes as jobs of the
store's group :class:`~mss.store.writer.Committer` (so they are durable when a method returns,
and share SQLite's one writer with mail delivery)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store import vault_sql
from mss.store.database import Database
from mss.store.errors import NotFound
from mss.store.vault_records import DocumentRecord, NewDocument
from mss.store.writer import Committer, WriteResult


class SqlVaultStore:
    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    async def add_document(self, account_id: int, document: NewDocument) -> DocumentRecord:
        """The new document, or the owner's one with the same content tag (then nothing is
        written: the check and the insert are one job of the single writer)."""

        async def job(conn: AsyncConnection) -> WriteResult[DocumentRecord]:
            found = await vault_sql.select_by_tag(conn, account_id, document.content_tag)
            if found is not None:
                return WriteResult(found)
            return WriteResult(await vault_sql.insert_document(conn, account_id, document))

        return await self._committer.run(job)

    async def filed_tags(self, account_id: int, tags: Sequence[bytes]) -> dict[bytes, int]:
        async with self._database.reader.connect() as conn:
            return await vault_sql.select_tagged(conn, account_id, tags)

    async def list_documents(self, account_id: int) -> list[DocumentRecord]:
        async with self._database.reader.connect() as conn:
            return await vault_sql.select_documents(conn, account_id)

    async def get_document(self, account_id: int, document_id: int) -> DocumentRecord:
        """The owner's document; :class:`NotFound` for anyone else's, as for a missing one."""
        async with self._database.reader.connect() as conn:
            found = await vault_sql.select_document(conn, account_id, document_id)
        if found is None:
            raise NotFound("no such document")
        return found

    async def get_content(self, account_id: int, document_id: int) -> bytes:
        async with self._database.reader.connect() as conn:
            content = await vault_sql.select_content(conn, account_id, document_id)
        if content is None:
            raise NotFound("no such document")
        return content

    async def update_meta(self, account_id: int, document_id: int, meta: bytes) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            return WriteResult(await vault_sql.update_meta(conn, account_id, document_id, meta))

        if not await self._committer.run(job):
            raise NotFound("no such document")

    async def delete_document(self, account_id: int, document_id: int) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            return WriteResult(await vault_sql.delete_document(conn, account_id, document_id))

        if not await self._committer.run(job):
            raise NotFound("no such document")
