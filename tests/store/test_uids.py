"""UIDs: unique and strictly ascending under concurrent delivery, on every backend."""

from __future__ import annotations

import asyncio

from mss.delivery import deliver
from mss.runtime import Runtime
from mss.store.migrate import upgrade
from mss.store.records import AccountKind
from support import sample_message


async def test_fifty_concurrent_deliveries_get_unique_ascending_uids(runtime: Runtime) -> None:
    await runtime.store.add_domain("hopital.example")
    account = (
        await runtime.accounts.create_account(
            "a@hopital.example", AccountKind.PROFESSIONAL, "correct horse battery"
        )
    ).account
    results = await asyncio.gather(
        *(deliver(runtime.store, account, "INBOX", sample_message(f"M{i}")) for i in range(50))
    )
    uids = [r.uid for r in results]
    assert sorted(uids) == list(range(1, 51))
    index = await runtime.store.message_index(results[0].mailbox_id)
    assert [entry.uid for entry in index] == list(range(1, 51))
    modseqs = [entry.modseq for entry in index]
    assert len(set(modseqs)) == 50, "each append gets its own MODSEQ"
    mailbox = await runtime.store.get_mailbox(account.id, "INBOX")
    assert mailbox is not None and mailbox.uidnext == 51


async def test_two_stores_on_one_database_never_share_a_uid(runtime: Runtime) -> None:
    """Two runtimes stand for two processes: their writers contend on the same rows."""
    await upgrade(runtime.database)
    await runtime.store.add_domain("hopital.example")
    account = (
        await runtime.accounts.create_account(
            "a@hopital.example", AccountKind.PROFESSIONAL, "correct horse battery"
        )
    ).account
    other = await Runtime.open(runtime.settings)
    try:
        results = await asyncio.gather(
            *(
                deliver(store, account, "INBOX", sample_message(f"M{i}"))
                for i in range(25)
                for store in (runtime.store, other.store)
            )
        )
    finally:
        await other.close()
    assert sorted(r.uid for r in results) == list(range(1, 51))
