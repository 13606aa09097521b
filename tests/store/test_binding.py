"""Ciphertexts are bound to their row: moved or swapped, they no longer decrypt."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from crypto import DecryptionError
from mss.delivery import deliver
from mss.mailcrypto import open_content_key, open_content_of, open_summary
from mss.runtime import Runtime
from mss.store.records import AccountKind
from mss.store.schema import contents, messages
from support import sample_message

PASSWORD = "correct horse battery"


async def test_content_moved_to_another_row_fails_to_decrypt(runtime: Runtime) -> None:
    await runtime.store.add_domain("hopital.example")
    created = await runtime.accounts.create_account(
        "a@hopital.example", AccountKind.PROFESSIONAL, PASSWORD
    )
    first = await deliver(runtime.store, created.account, "INBOX", sample_message("ONE"))
    second = await deliver(runtime.store, created.account, "INBOX", sample_message("TWO"))
    keys = (await runtime.accounts.authenticate("a@hopital.example", PASSWORD)).keys
    one, two = await runtime.store.get_messages(first.mailbox_id, [first.uid, second.uid])

    async with runtime.database.writer.begin() as conn:
        blob_two = (
            await conn.execute(
                select(contents.c.content).where(contents.c.object_id == two.object_id)
            )
        ).scalar_one()
        await conn.execute(
            update(contents).where(contents.c.object_id == one.object_id).values(content=blob_two)
        )
        await conn.execute(
            update(messages)
            .where(messages.c.mailbox_id == first.mailbox_id, messages.c.uid == first.uid)
            .values(summary=two.summary)
        )

    [moved] = await runtime.store.get_messages(first.mailbox_id, [first.uid])
    key = open_content_key(moved, keys)
    with pytest.raises(DecryptionError):
        open_content_of(moved.object_id, key, await runtime.store.get_content(moved.object_id))
    with pytest.raises(DecryptionError):
        open_summary(moved, key)
    untouched_key = open_content_key(two, keys)
    assert b"TWO" in open_content_of(
        two.object_id, untouched_key, await runtime.store.get_content(two.object_id)
    )


async def test_summary_and_content_cannot_be_swapped_within_a_row(runtime: Runtime) -> None:
    await runtime.store.add_domain("hopital.example")
    created = await runtime.accounts.create_account(
        "a@hopital.example", AccountKind.PROFESSIONAL, PASSWORD
    )
    appended = await deliver(runtime.store, created.account, "INBOX", sample_message("X"))
    keys = (await runtime.accounts.authenticate("a@hopital.example", PASSWORD)).keys
    [record] = await runtime.store.get_messages(appended.mailbox_id, [appended.uid])
    with pytest.raises(DecryptionError):
        open_content_of(record.object_id, open_content_key(record, keys), record.summary)
