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
from typing import Any, cast

from sqlalchemy import func, literal_column, select

from mailserver import DOCTOR, NURSE, PASSWORD, PATIENT, MailServer, message, read_mailbox
from mss.delivery import deliver
from mss.mailcrypto import open_content_key, open_summary
from mss.runtime import Runtime
from mss.store.records import AccountKind
from mss.store.schema import accounts, contents, mailboxes, messages
from mss.store.tables import metadata

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


# Every mailbox that receives a copy already holds a different number of messages, so that its
# own counters (UID, MODSEQ) land apart; a counter shared by all mailboxes would still give the
# copies written together equal or adjacent values, whatever came before.
SEEDED = {NURSE: 3, PATIENT: 7, COLLEAGUE: 12}
# Columns that name the owner of a row: the only ones two copies may differ on by design.
OWNER_COLUMNS = {"account_id", "mailbox_id"}
# Counted values: adjacent ones tell the order of writes, so they must not even be neighbours.
COUNTERS = {"id", "rowid", "uid", "modseq", "uidnext", "highestmodseq"}


async def _dump(runtime: Runtime) -> dict[str, dict[tuple[object, ...], dict[str, object]]]:
    """Every table, every column, by primary key; on SQLite with the hidden rowid as well."""
    found: dict[str, dict[tuple[object, ...], dict[str, object]]] = {}
    async with runtime.database.reader.connect() as conn:
        for table in metadata.sorted_tables:
            query = select(table)
            integer_key = [c.name for c in table.primary_key.columns] == ["id"]
            if runtime.database.is_sqlite and not integer_key:
                query = select(literal_column("rowid").label("rowid"), *table.columns)
            key = [c.name for c in table.primary_key.columns] or list(table.columns.keys())
            found[table.name] = {
                tuple(row[name] for name in key): dict(row)
                for row in (await conn.execute(query)).mappings()
            }
    return found


def _owner(table: str, row: dict[str, object], after: dict[str, Any]) -> int | None:
    """The account a row belongs to, found through the row's own columns."""
    if "account_id" in row:
        return int(cast(int, row["account_id"]))
    mailbox_owner = {k[0]: r["account_id"] for k, r in after["mailboxes"].items()}
    if "mailbox_id" in row:
        return int(cast(int, mailbox_owner[row["mailbox_id"]]))
    if table == "contents":
        for message_row in after["messages"].values():
            if message_row["object_id"] == row["object_id"]:
                return int(cast(int, mailbox_owner[message_row["mailbox_id"]]))
    if table == "tracking_events":
        return int(cast(int, after["tracking_watches"][(row["tag"],)]["account_id"]))
    return None


def _values(row: dict[str, object], changed: set[str]) -> list[tuple[str, object]]:
    """The clear values of a row a dump shows, with the lengths of its binary columns."""
    found: list[tuple[str, object]] = []
    for name in changed - OWNER_COLUMNS:
        value = row[name]
        if isinstance(value, bytes):
            found.append((f"{name}:length", len(value)))
        found.append((name, value))
    return found


async def test_a_dump_of_every_table_links_no_copies_by_value_or_order(server: MailServer) -> None:
    """After one message to three local recipients (and the Sent copy), no two new or changed
    rows of different accounts share a value in any column but the owner's, nor have adjacent
    counted values (row ids, SQLite rowids, UIDs, MODSEQs). The check reads every table, so a
    new table written by the sending path is checked too."""
    runtime = server.runtime
    await runtime.accounts.create_account(COLLEAGUE, AccountKind.PROFESSIONAL, PASSWORD)
    for address, count in SEEDED.items():
        account = await runtime.store.get_account(address)
        assert account is not None
        for n in range(count):
            await deliver(runtime.store, account, "INBOX", message(NURSE, address, f"Ancien {n}"))
    before = await _dump(runtime)
    async with server.submission_client() as client:
        await client.login(DOCTOR, PASSWORD)
        raw = message(DOCTOR, NURSE, "Compte rendu partage")
        errors, _ = await client.sendmail(DOCTOR, [NURSE, PATIENT, COLLEAGUE], raw)
    assert errors == {}
    after = await _dump(runtime)

    owned: dict[int, list[tuple[str, str, object]]] = {}
    for table, rows in after.items():
        for key, row in rows.items():
            old = before[table].get(key)
            changed = {n for n in row if old is None or old[n] != row[n]}
            if not changed:
                continue
            owner = _owner(table, row, after)
            assert owner is not None, f"{table}: a new row that names no owner {row}"
            owned.setdefault(owner, []).extend(
                (table, name, value) for name, value in _values(row, changed)
            )
    # A value that rows written before the message also hold says nothing about it.
    background = {
        value
        for table, rows in before.items()
        for row in rows.values()
        for _, value in _values(row, set(row))
    }
    addresses = {a.id: a.address for a in await runtime.store.list_accounts()}
    assert sorted(addresses[o] for o in owned) == sorted([DOCTOR, NURSE, PATIENT, COLLEAGUE])
    for left, right in itertools.combinations(owned, 2):
        for (table_a, name_a, a), (table_b, name_b, b) in itertools.product(
            owned[left], owned[right]
        ):
            where = f"{addresses[left]} {table_a}.{name_a} / {addresses[right]} {table_b}.{name_b}"
            if a == b and a not in background and type(a) is type(b):
                raise AssertionError(f"equal value {a!r}: {where}")
            same_counter = (table_a, name_a) == (table_b, name_b) and name_a in COUNTERS
            if same_counter and isinstance(a, int):
                assert abs(a - cast(int, b)) > 1, f"adjacent counters {a}, {b}: {where}"
