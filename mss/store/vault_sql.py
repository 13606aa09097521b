"""SQL of the document vault. Every statement names the owner: a document id alone never
reaches a row, so one patient's request cannot touch another's document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.vault_records import DocumentRecord, NewDocument
from mss.store.vault_schema import vault_contents, vault_documents


def document_from_row(row: Row[Any]) -> DocumentRecord:
    return DocumentRecord(
        id=row.id,
        account_id=row.account_id,
        object_id=bytes(row.object_id),
        sealed_key=bytes(row.sealed_key),
        meta=bytes(row.meta),
        size=row.size,
        created_at=row.created_at,
    )


async def insert_document(
    conn: AsyncConnection, account_id: int, new: NewDocument
) -> DocumentRecord:
    result = await conn.execute(
        insert(vault_documents)
        .values(
            account_id=account_id,
            object_id=new.object_id,
            sealed_key=new.sealed_key,
            meta=new.meta,
            size=new.size,
            created_at=new.created_at,
            content_tag=new.content_tag,
        )
        .returning(vault_documents.c.id)
    )
    await conn.execute(insert(vault_contents).values(object_id=new.object_id, content=new.content))
    return DocumentRecord(
        id=result.scalar_one(),
        account_id=account_id,
        object_id=new.object_id,
        sealed_key=new.sealed_key,
        meta=new.meta,
        size=new.size,
        created_at=new.created_at,
    )


async def select_by_tag(
    conn: AsyncConnection, account_id: int, tag: bytes
) -> DocumentRecord | None:
    """The owner's document with this content tag, if one is filed already."""
    row = (
        await conn.execute(
            select(vault_documents).where(
                vault_documents.c.account_id == account_id, vault_documents.c.content_tag == tag
            )
        )
    ).first()
    return document_from_row(row) if row is not None else None


async def select_tagged(
    conn: AsyncConnection, account_id: int, tags: Sequence[bytes]
) -> dict[bytes, int]:
    """Of ``tags``, those the owner has filed, each with its document's id."""
    if not tags:
        return {}
    rows = await conn.execute(
        select(vault_documents.c.content_tag, vault_documents.c.id).where(
            vault_documents.c.account_id == account_id,
            vault_documents.c.content_tag.in_(list(dict.fromkeys(tags))),
        )
    )
    return {bytes(row.content_tag): int(row.id) for row in rows}


async def update_meta(
    conn: AsyncConnection, account_id: int, document_id: int, meta: bytes
) -> bool:
    result = await conn.execute(
        update(vault_documents)
        .where(vault_documents.c.id == document_id, vault_documents.c.account_id == account_id)
        .values(meta=meta)
    )
    return bool(result.rowcount)


async def select_documents(conn: AsyncConnection, account_id: int) -> list[DocumentRecord]:
    rows = await conn.execute(
        select(vault_documents)
        .where(vault_documents.c.account_id == account_id)
        .order_by(vault_documents.c.created_at.desc(), vault_documents.c.id.desc())
    )
    return [document_from_row(row) for row in rows]


async def select_document(
    conn: AsyncConnection, account_id: int, document_id: int
) -> DocumentRecord | None:
    row = (
        await conn.execute(
            select(vault_documents).where(
                vault_documents.c.id == document_id, vault_documents.c.account_id == account_id
            )
        )
    ).first()
    return document_from_row(row) if row is not None else None


async def select_content(conn: AsyncConnection, account_id: int, document_id: int) -> bytes | None:
    row = (
        await conn.execute(
            select(vault_contents.c.content)
            .join(vault_documents, vault_documents.c.object_id == vault_contents.c.object_id)
            .where(vault_documents.c.id == document_id, vault_documents.c.account_id == account_id)
        )
    ).first()
    return bytes(row[0]) if row is not None else None


async def delete_document(conn: AsyncConnection, account_id: int, document_id: int) -> bool:
    """The document and its content; False when the owner has no such document."""
    row = (
        await conn.execute(
            select(vault_documents.c.object_id).where(
                vault_documents.c.id == document_id, vault_documents.c.account_id == account_id
            )
        )
    ).first()
    if row is None:
        return False
    await conn.execute(delete(vault_contents).where(vault_contents.c.object_id == row.object_id))
    await conn.execute(delete(vault_documents).where(vault_documents.c.id == document_id))
    return True
