"""The core vault on a real store: identical content is one document, titles can be changed,
signed copies are filed, another owner's id is not found, and a dump holds no document."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from mss.accounts import UnlockedAccount
from mss.runtime import Runtime
from mss.store.errors import NotFound
from mss.store.records import AccountKind
from mss.store.vault_schema import vault_documents
from mss.vault.model import DocumentMeta, DocumentSource
from queue_support import dump_database, encodings_of

PASSWORD = "correct horse battery"


async def _patients(runtime: Runtime) -> tuple[UnlockedAccount, UnlockedAccount]:
    await runtime.store.add_domain("patient.example", is_patient=True)
    first = await runtime.accounts.create_account(
        "285057512345623@patient.example", AccountKind.PATIENT, PASSWORD
    )
    second = await runtime.accounts.create_account(
        "185057512345689@patient.example", AccountKind.PATIENT, PASSWORD
    )
    return (
        await runtime.accounts.authenticate(first.account.address, PASSWORD),
        await runtime.accounts.authenticate(second.account.address, PASSWORD),
    )


def _meta(title: str) -> DocumentMeta:
    return DocumentMeta(
        title=title,
        doc_type="report",
        filename="cr.pdf",
        content_type="application/pdf",
        document_date=1_764_000_000,
        source=DocumentSource(kind="upload"),
    )


async def test_identical_content_is_one_document_per_owner(runtime: Runtime) -> None:
    alice, bob = await _patients(runtime)
    first = await runtime.vault.add(alice, _meta("Premier"), b"%PDF same")
    again = await runtime.vault.add(alice, _meta("Second"), b"%PDF same")
    other = await runtime.vault.add(alice, _meta("Autre"), b"%PDF other")
    theirs = await runtime.vault.add(bob, _meta("Chez Bob"), b"%PDF same")
    assert again.id == first.id and again.meta.title == "Premier"
    assert other.id != first.id
    assert len(await runtime.vault.list(alice)) == 2
    assert [d.id for d in await runtime.vault.list(bob)] == [theirs.id]
    async with runtime.database.reader.connect() as conn:
        rows = (
            await conn.execute(select(vault_documents.c.id, vault_documents.c.content_tag))
        ).all()
    tags = {row.id: bytes(row.content_tag) for row in rows}
    assert tags[first.id] != tags[theirs.id], "equal content of two owners: unrelated tags"


async def test_rename_keeps_everything_else(runtime: Runtime) -> None:
    alice, bob = await _patients(runtime)
    added = await runtime.vault.add(alice, _meta("Ancien titre"), b"%PDF")
    renamed = await runtime.vault.rename(alice, added.id, "  Nouveau titre ")
    [listed] = await runtime.vault.list(alice)
    assert listed.meta.title == renamed.meta.title == "Nouveau titre"
    assert listed.meta.filename == "cr.pdf" and listed.meta.document_date == 1_764_000_000
    _, content = await runtime.vault.content(alice, added.id)
    assert content == b"%PDF"
    with pytest.raises(NotFound):
        await runtime.vault.rename(bob, added.id, "Volé")
    with pytest.raises(ValueError, match="title"):
        await runtime.vault.rename(alice, added.id, "   ")
    assert (await runtime.vault.get(alice, added.id)).meta.title == "Nouveau titre"


async def test_signed_copy_is_filed_without_the_private_key(runtime: Runtime) -> None:
    alice, _ = await _patients(runtime)
    await runtime.vault.file_signed(
        alice.account, b"%PDF signed", "Consentement signé", "consentement.pdf"
    )
    [document] = await runtime.vault.list(alice)
    assert document.meta.source.kind == "signature"
    assert document.meta.title == "Consentement signé"
    assert document.meta.content_type == "application/pdf"


async def test_dump_holds_no_document_nor_its_plain_hash(runtime: Runtime, canary: str) -> None:
    alice, _ = await _patients(runtime)
    content = f"%PDF {canary} body".encode()
    await runtime.vault.add(alice, _meta(f"Titre {canary}T"), content)
    dump = await dump_database(runtime)
    for needle in encodings_of(canary, content):
        assert needle not in dump
    for digest in (
        hashlib.sha256(content),
        hashlib.sha1(content, usedforsecurity=False),
        hashlib.blake2b(content),
    ):
        assert digest.digest() not in dump and digest.hexdigest().encode() not in dump
