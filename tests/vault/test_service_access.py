"""Who may reach a vault document, and what the service itself decides (issue 18): another
owner's id is not found for reading, its content, renaming or deleting, at the service and at
the store; ``filed`` answers only for the owner; titles hold 1 to 200 characters; a signed copy
is dated and typed by the service's clock and the file name."""

from __future__ import annotations

import pytest

from mss.accounts import UnlockedAccount
from mss.runtime import Runtime
from mss.store.errors import NotFound
from mss.store.records import AccountKind
from mss.store.vault_repository import SqlVaultStore
from mss.vault.model import DocumentMeta, DocumentSource
from mss.vault.service import MAX_TITLE, VaultService

PASSWORD = "correct horse battery"
NOW = 1_780_000_000
GONE = r"^no such document$"


async def _patients(runtime: Runtime) -> tuple[UnlockedAccount, UnlockedAccount]:
    await runtime.store.add_domain("patient.example", is_patient=True)
    unlocked = []
    for address in ("285057512345623@patient.example", "185057512345689@patient.example"):
        created = await runtime.accounts.create_account(address, AccountKind.PATIENT, PASSWORD)
        unlocked.append(await runtime.accounts.authenticate(created.account.address, PASSWORD))
    return unlocked[0], unlocked[1]


def _meta(title: str) -> DocumentMeta:
    return DocumentMeta(
        title=title,
        doc_type="report",
        filename="cr.pdf",
        content_type="application/pdf",
        document_date=1_764_000_000,
        source=DocumentSource(kind="upload"),
    )


def _store(runtime: Runtime) -> SqlVaultStore:
    return SqlVaultStore(runtime.database, runtime.store.committer)


def _service(runtime: Runtime) -> VaultService:
    return VaultService(_store(runtime), b"s" * 32, clock=lambda: NOW + 0.75)


async def test_another_owner_reaches_nothing(runtime: Runtime) -> None:
    alice, bob = await _patients(runtime)
    vault = _service(runtime)
    document = await vault.add(alice, _meta("Compte rendu"), b"%PDF alice")
    for attempt in (
        vault.get(bob, document.id),
        vault.content(bob, document.id),
        vault.rename(bob, document.id, "Volé"),
        vault.delete(bob, document.id),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert await vault.list(bob) == []
    read, content = await vault.content(alice, document.id)
    assert (read, content) == (document, b"%PDF alice")
    assert (document.size, document.created_at) == (len(b"%PDF alice"), NOW)
    await vault.delete(alice, document.id)
    assert await vault.list(alice) == []
    with pytest.raises(NotFound):
        await vault.delete(alice, document.id)
    with pytest.raises(NotFound):
        await vault.get(alice, document.id)


async def test_the_store_refuses_another_owner_on_each_method(runtime: Runtime) -> None:
    alice, bob = await _patients(runtime)
    document = await _service(runtime).add(alice, _meta("Titre"), b"%PDF")
    store = _store(runtime)
    record = await store.get_document(alice.account.id, document.id)
    with pytest.raises(NotFound, match=GONE):
        await store.get_document(bob.account.id, document.id)
    with pytest.raises(NotFound, match=GONE):
        await store.get_content(bob.account.id, document.id)
    with pytest.raises(NotFound, match=GONE):
        await store.update_meta(bob.account.id, document.id, b"overwritten")
    with pytest.raises(NotFound, match=GONE):
        await store.delete_document(bob.account.id, document.id)
    unchanged = await store.get_document(alice.account.id, document.id)
    assert unchanged.meta == record.meta
    await store.update_meta(alice.account.id, document.id, b"new meta")
    assert (await store.get_document(alice.account.id, document.id)).meta == b"new meta"
    await store.delete_document(alice.account.id, document.id)
    with pytest.raises(NotFound, match=GONE):
        await store.get_content(alice.account.id, document.id)
    with pytest.raises(NotFound, match=GONE):
        await store.update_meta(alice.account.id, document.id, b"gone")


async def test_filed_answers_only_for_the_owner(runtime: Runtime) -> None:
    alice, bob = await _patients(runtime)
    vault = _service(runtime)
    first = await vault.add(alice, _meta("Un"), b"%PDF one")
    second = await vault.add(alice, _meta("Deux"), b"%PDF two")
    assert await vault.filed(alice.account, [b"%PDF two", b"%PDF none", b"%PDF one"]) == [
        second.id,
        None,
        first.id,
    ]
    assert await vault.filed(bob.account, [b"%PDF one", b"%PDF two"]) == [None, None]
    assert await vault.file(alice.account, _meta("Encore"), b"%PDF one") == first.id


async def test_titles_hold_one_to_two_hundred_characters(runtime: Runtime) -> None:
    alice, _ = await _patients(runtime)
    vault = _service(runtime)
    document = await vault.add(alice, _meta("Titre"), b"%PDF")
    longest = "é" * MAX_TITLE
    assert MAX_TITLE == 200
    renamed = await vault.rename(alice, document.id, f" {longest} ")
    assert renamed.meta.title == longest
    assert renamed == await vault.get(alice, document.id)
    assert (renamed.id, renamed.size, renamed.created_at) == (document.id, len(b"%PDF"), NOW)
    for refused in ("", " \t ", "x" * (MAX_TITLE + 1)):
        with pytest.raises(ValueError, match=r"^title must hold 1 to 200 characters$"):
            await vault.rename(alice, document.id, refused)
    assert (await vault.get(alice, document.id)).meta.title == longest
    assert (await vault.rename(alice, document.id, "A")).meta.title == "A"


async def test_a_signed_copy_is_dated_by_the_clock_and_typed_by_its_name(
    runtime: Runtime,
) -> None:
    alice, _ = await _patients(runtime)
    vault = _service(runtime)
    await vault.file_signed(alice.account, b"%PDF signed", "T" * 300, "Ordonnance-2026.pdf")
    [document] = await vault.list(alice)
    assert document.created_at == NOW
    assert document.size == len(b"%PDF signed")
    assert document.meta == DocumentMeta(
        title="T" * MAX_TITLE,
        doc_type="prescription",
        filename="Ordonnance-2026.pdf",
        content_type="application/pdf",
        document_date=NOW,
        source=DocumentSource(kind="signature"),
    )
