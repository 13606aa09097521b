"""A batch of appends across mailboxes: UIDs and MODSEQs per mailbox in batch order, one change
per mailbox, a missing mailbox failing only its own append; on PostgreSQL, one statement."""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import pytest
from sqlalchemy import event

from mss.mailcrypto import seal_message
from mss.runtime import Runtime
from mss.store.errors import NotFound
from mss.store.records import AccountKind
from support import sample_message


async def _mailboxes(runtime: Runtime) -> tuple[bytes, int, int]:
    await runtime.store.add_domain("hopital.example")
    account = (
        await runtime.accounts.create_account(
            "a@hopital.example", AccountKind.PROFESSIONAL, "correct horse battery"
        )
    ).account
    inbox = await runtime.store.mailbox_id(account.id, "INBOX")
    sent = await runtime.store.mailbox_id(account.id, "Sent")
    assert inbox is not None and sent is not None
    return account.encryption_key, inbox, sent


async def test_a_mixed_batch_numbers_each_mailbox_in_order(runtime: Runtime) -> None:
    key, inbox, sent = await _mailboxes(runtime)
    targets = [inbox, sent, inbox, inbox, sent, 999_999]
    sealed = [
        seal_message(sample_message(f"M{i}"), key, frozenset({"\\Seen"}), int(time.time()))
        for i in range(len(targets))
    ]
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(runtime.database.writer.sync_engine, "before_cursor_execute", count)
    try:
        results = await asyncio.gather(
            *(runtime.store.append(t, m) for t, m in zip(targets, sealed, strict=True)),
            return_exceptions=True,
        )
    finally:
        event.remove(runtime.database.writer.sync_engine, "before_cursor_execute", count)
    assert isinstance(results[-1], NotFound)
    assert [(r.mailbox_id, r.uid) for r in results[:-1]] == [  # type: ignore[union-attr]
        (inbox, 1),
        (sent, 1),
        (inbox, 2),
        (inbox, 3),
        (sent, 2),
    ]
    index = await runtime.store.message_index(inbox)
    assert [(e.uid, e.flags) for e in index] == [(u, frozenset({"\\Seen"})) for u in (1, 2, 3)]
    assert len({e.modseq for e in index}) == 3
    if runtime.database.is_postgres:
        # The failed batch, then each append alone: every one is a single statement.
        appends = [s for s in statements if "INSERT INTO messages" in s]
        assert appends and all("unnest" in s for s in appends)
        assert len(statements) == len(appends)


@pytest.mark.skipif(
    not os.environ.get("MSS_TEST_POSTGRES_URL"), reason="needs MSS_TEST_POSTGRES_URL"
)
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_postgres_writes_a_batch_in_one_statement(runtime: Runtime) -> None:
    key, inbox, sent = await _mailboxes(runtime)
    sealed = [
        seal_message(sample_message(f"M{i}"), key, frozenset(), int(time.time())) for i in range(20)
    ]
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(runtime.database.writer.sync_engine, "before_cursor_execute", count)
    try:
        results = await asyncio.gather(
            *(runtime.store.append(inbox if i % 2 else sent, m) for i, m in enumerate(sealed))
        )
    finally:
        event.remove(runtime.database.writer.sync_engine, "before_cursor_execute", count)
    assert sorted(r.uid for r in results if r.mailbox_id == inbox) == list(range(1, 11))
    assert len(statements) == 1, statements
