"""Mailbox and message operations as IMAP and the webmail use them."""

from __future__ import annotations

import pytest

from mss.delivery import deliver
from mss.runtime import Runtime
from mss.store.errors import AlreadyExists, Conflict, NotFound
from mss.store.records import Account, AccountKind, FlagMode
from support import sample_message


async def _account(runtime: Runtime, local: str = "a") -> Account:
    if await runtime.store.get_domain("hopital.example") is None:
        await runtime.store.add_domain("hopital.example")
    created = await runtime.accounts.create_account(
        f"{local}@hopital.example", AccountKind.PROFESSIONAL, "correct horse battery"
    )
    return created.account


async def test_flags_modseq_and_unchangedsince(runtime: Runtime) -> None:
    account = await _account(runtime)
    first = await deliver(runtime.store, account, "INBOX", sample_message("1"))
    await deliver(runtime.store, account, "INBOX", sample_message("2"), flags=["\\Seen"])
    box = first.mailbox_id
    assert await runtime.store.mailbox_counts(box) == (2, 1)

    updates, failed = await runtime.store.store_flags(
        box, [1, 2], FlagMode.ADD, frozenset({"\\Seen", "$MDNSent"})
    )
    assert failed == []
    assert [u.uid for u in updates] == [1, 2]
    assert updates[0].flags == frozenset({"\\Seen", "$MDNSent"})
    modseq = updates[0].modseq
    assert await runtime.store.mailbox_counts(box) == (2, 0)

    unchanged, _ = await runtime.store.store_flags(box, [1], FlagMode.ADD, frozenset({"\\Seen"}))
    assert unchanged == [], "a STORE that changes nothing keeps the MODSEQ"

    _, failed = await runtime.store.store_flags(
        box, [1, 2], FlagMode.REMOVE, frozenset({"\\Seen"}), unchanged_since=modseq - 1
    )
    assert failed == [1, 2]
    replaced, _ = await runtime.store.store_flags(box, [2], FlagMode.REPLACE, frozenset())
    assert replaced[0].flags == frozenset() and replaced[0].modseq > modseq


async def test_expunge_records_vanished_uids_and_frees_content(runtime: Runtime) -> None:
    account = await _account(runtime)
    for i in range(3):
        appended = await deliver(runtime.store, account, "INBOX", sample_message(str(i)))
    box = appended.mailbox_id
    mailbox = await runtime.store.get_mailbox_by_id(box)
    assert mailbox is not None
    before = mailbox.highestmodseq
    [record] = await runtime.store.get_messages(box, [2])
    assert await runtime.store.expunge(box, [2, 99]) == [2]
    assert [e.uid for e in await runtime.store.message_index(box)] == [1, 3]
    assert await runtime.store.vanished_since(box, before) == [2]
    assert await runtime.store.vanished_since(box, before + 1) == []
    with pytest.raises(NotFound):
        await runtime.store.get_content(record.object_id)


async def test_copy_shares_content_and_move_is_atomic(runtime: Runtime) -> None:
    account = await _account(runtime)
    for i in range(3):
        appended = await deliver(runtime.store, account, "INBOX", sample_message(str(i)))
    inbox = appended.mailbox_id
    archive = await runtime.store.get_mailbox(account.id, "Archive")
    assert archive is not None
    pairs, uidvalidity = await runtime.store.copy(inbox, [1, 3], archive.id)
    assert pairs == [(1, 1), (3, 2)] and uidvalidity == archive.uidvalidity
    [copied] = await runtime.store.get_messages(archive.id, [1])
    await runtime.store.expunge(inbox, [1])
    assert await runtime.store.get_content(copied.object_id), "still referenced by the copy"

    pairs, _ = await runtime.store.move(inbox, [2, 3], archive.id)
    assert pairs == [(2, 3), (3, 4)]
    assert await runtime.store.message_index(inbox) == []
    assert [e.uid for e in await runtime.store.message_index(archive.id)] == [1, 2, 3, 4]


async def test_copy_to_another_owner_is_refused(runtime: Runtime) -> None:
    alice = await _account(runtime, "alice")
    bob = await _account(runtime, "bob")
    appended = await deliver(runtime.store, alice, "INBOX", sample_message("x"))
    bob_inbox = await runtime.store.get_mailbox(bob.id, "INBOX")
    assert bob_inbox is not None
    with pytest.raises(Conflict):
        await runtime.store.copy(appended.mailbox_id, [1], bob_inbox.id)


async def test_mailbox_lifecycle_and_uidvalidity_never_reused(runtime: Runtime) -> None:
    account = await _account(runtime)
    created = await runtime.store.create_mailbox(account.id, "Projets")
    await runtime.store.create_mailbox(account.id, "Projets/2026")
    with pytest.raises(AlreadyExists):
        await runtime.store.create_mailbox(account.id, "Projets")
    await runtime.store.rename_mailbox(account.id, "Projets", "Dossiers")
    names = {m.name for m in await runtime.store.list_mailboxes(account.id)}
    assert {"Dossiers", "Dossiers/2026"} <= names and "Projets" not in names
    await runtime.store.delete_mailbox(account.id, "Dossiers")
    again = await runtime.store.create_mailbox(account.id, "Dossiers")
    assert again.uidvalidity > created.uidvalidity
    with pytest.raises(Conflict):
        await runtime.store.delete_mailbox(account.id, "INBOX")
    with pytest.raises(NotFound):
        await runtime.store.delete_mailbox(account.id, "Nope")
    # RFC 3501 §6.3.6: subscriptions are names; the defaults are subscribed, new boxes are not.
    assert "Dossiers" not in await runtime.store.subscriptions(account.id)
    assert "Sent" in await runtime.store.subscriptions(account.id)
    await runtime.store.set_subscribed(account.id, "Dossiers", True)
    await runtime.store.delete_mailbox(account.id, "Dossiers")
    assert "Dossiers" in await runtime.store.subscriptions(account.id)
    await runtime.store.set_subscribed(account.id, "Dossiers", False)
    assert "Dossiers" not in await runtime.store.subscriptions(account.id)


async def test_renaming_inbox_moves_its_messages(runtime: Runtime) -> None:
    account = await _account(runtime)
    await deliver(runtime.store, account, "INBOX", sample_message("1"))
    await deliver(runtime.store, account, "inbox", sample_message("2"))
    await runtime.store.rename_mailbox(account.id, "INBOX", "Old")
    inbox = await runtime.store.get_mailbox(account.id, "INBOX")
    old = await runtime.store.get_mailbox(account.id, "Old")
    assert inbox is not None and old is not None
    assert await runtime.store.message_index(inbox.id) == []
    assert [e.uid for e in await runtime.store.message_index(old.id)] == [1, 2]
    appended = await deliver(runtime.store, account, "INBOX", sample_message("3"))
    assert appended.uid == 3, "INBOX keeps counting: its old UIDs are never reused"
