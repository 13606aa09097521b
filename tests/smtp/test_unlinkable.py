"""The copies of one message cannot be linked from the database alone (issue 13, item 5).

One message goes over submission to three recipients; with the sender's Sent copy that makes four
rows. Every clear value that comes from the message itself (internal date, size, the lengths of
the sealed summary and content) is drawn afresh per copy, so no two rows may share one. Each
mailbox's own counters (UID, MODSEQ) and the row id are not checked: the README's threat model
lists them as what remains. The check is statistical by nature: an accidental equality of two
independently perturbed values has a probability under 0.3 % per run (see mss.coarse).
"""

from __future__ import annotations

import itertools
import time

from sqlalchemy import func, select

from mailserver import DOCTOR, NURSE, PASSWORD, PATIENT, MailServer, message, read_mailbox
from mss.mailcrypto import open_content_key, open_summary
from mss.store.records import AccountKind
from mss.store.schema import accounts, contents, mailboxes, messages

COLLEAGUE = "colleague@hopital.example"


async def test_one_message_to_three_recipients_leaves_no_matching_clear_column(
    server: MailServer,
) -> None:
    runtime = server.runtime
    await runtime.accounts.create_account(COLLEAGUE, AccountKind.PROFESSIONAL, PASSWORD)
    raw = message(DOCTOR, NURSE, "Compte rendu partage")
    async with server.submission_client() as client:
        await client.login(DOCTOR, PASSWORD)
        errors, _ = await client.sendmail(DOCTOR, [NURSE, PATIENT, COLLEAGUE], raw)
    assert errors == {}

    query = (
        select(
            accounts.c.address,
            messages.c.internal_date,
            messages.c.size,
            func.length(messages.c.summary).label("summary_length"),
            func.length(contents.c.content).label("content_length"),
        )
        .join(mailboxes, mailboxes.c.id == messages.c.mailbox_id)
        .join(accounts, accounts.c.id == mailboxes.c.account_id)
        .join(contents, contents.c.object_id == messages.c.object_id)
    )
    async with runtime.database.reader.connect() as conn:
        rows = (await conn.execute(query)).all()
    assert sorted(row.address for row in rows) == sorted([DOCTOR, NURSE, PATIENT, COLLEAGUE])
    for column in ("internal_date", "size", "summary_length", "content_length"):
        for left, right in itertools.combinations(rows, 2):
            assert getattr(left, column) != getattr(right, column), (
                f"{left.address} and {right.address} share {column}"
            )

    for address in (NURSE, PATIENT, COLLEAGUE):
        [delivered] = await read_mailbox(runtime, address)
        assert delivered.endswith(raw), "padding must come off: the owner reads the exact message"


async def test_the_owner_still_sees_the_exact_date_and_size(server: MailServer) -> None:
    """FETCH INTERNALDATE and RFC822.SIZE read the sealed summary, not the perturbed row."""
    runtime = server.runtime
    raw = message(DOCTOR, NURSE, "Taille exacte")
    async with server.submission_client() as client:
        await client.login(DOCTOR, PASSWORD)
        await client.sendmail(DOCTOR, [NURSE], raw)
    unlocked = await runtime.accounts.authenticate(NURSE, PASSWORD)
    inbox = await runtime.store.get_mailbox(unlocked.account.id, "INBOX")
    assert inbox is not None
    [entry] = await runtime.store.message_index(inbox.id)
    [record] = await runtime.store.get_messages(inbox.id, [entry.uid])
    summary = open_summary(record, open_content_key(record, unlocked.keys))
    [delivered] = await read_mailbox(runtime, NURSE)
    assert summary.size == len(delivered) <= record.size
    assert abs(summary.internal_date - time.time()) < 60
