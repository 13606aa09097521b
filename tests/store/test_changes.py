"""The change feed: published after commit, to the right account, across processes."""

from __future__ import annotations

import asyncio

from mss.delivery import deliver
from mss.runtime import Runtime
from mss.store.records import AccountKind, FlagMode
from support import sample_message


async def test_subscribers_learn_of_committed_changes_of_their_account_only(
    runtime: Runtime,
) -> None:
    await runtime.store.add_domain("hopital.example")
    alice = (
        await runtime.accounts.create_account(
            "alice@hopital.example", AccountKind.PROFESSIONAL, "correct horse battery"
        )
    ).account
    bob = (
        await runtime.accounts.create_account(
            "bob@hopital.example", AccountKind.PROFESSIONAL, "correct horse battery"
        )
    ).account
    watching_alice = runtime.feed.subscribe(alice.id)
    watching_bob = runtime.feed.subscribe(bob.id)
    try:
        appended = await deliver(runtime.store, alice, "INBOX", sample_message("x"))
        change = await asyncio.wait_for(watching_alice.get(), 5)
        assert (change.kind, change.mailbox_id, change.uids) == ("added", appended.mailbox_id, (1,))
        # The subscriber can read what it was told about: the commit happened before.
        assert [e.uid for e in await runtime.store.message_index(appended.mailbox_id)] == [1]
        await runtime.store.store_flags(
            appended.mailbox_id, [1], FlagMode.ADD, frozenset({"\\Seen"})
        )
        flags = await asyncio.wait_for(watching_alice.get(), 5)
        assert flags.kind == "flags" and flags.modseq > change.modseq
        await asyncio.sleep(0.2)
        assert watching_bob.pending() == []
    finally:
        watching_alice.close()
        watching_bob.close()


async def test_a_second_process_sees_the_change(runtime: Runtime) -> None:
    """On PostgreSQL through LISTEN/NOTIFY; on SQLite the feed is per process, so a second
    runtime stands for another process only on PostgreSQL."""
    await runtime.store.add_domain("hopital.example")
    alice = (
        await runtime.accounts.create_account(
            "alice@hopital.example", AccountKind.PROFESSIONAL, "correct horse battery"
        )
    ).account
    other = await Runtime.open(runtime.settings)
    try:
        watching = other.feed.subscribe(alice.id)
        await deliver(runtime.store, alice, "INBOX", sample_message("x"))
        if runtime.database.is_postgres:
            change = await asyncio.wait_for(watching.get(), 5)
            assert change.kind == "added" and change.account_id == alice.id
        else:
            await asyncio.sleep(0.2)
            assert watching.pending() == []
        watching.close()
    finally:
        await other.close()
