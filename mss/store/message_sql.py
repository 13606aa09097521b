"""SQL for messages: append, flags, expunge, copy and move, and CONDSTORE/QRESYNC queries.

UIDs and MODSEQs are allocated by one UPDATE … RETURNING on the mailbox row, inside the writing
transaction: the row lock (PostgreSQL) or the single writer (SQLite) makes them strictly
ascending and unique however many deliveries run at once (RFC 3501 §2.3.1.1, RFC 7162 §3.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row, delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.coarse import random_row_id
from mss.store.changes import Change
from mss.store.errors import Conflict, NotFound
from mss.store.message_pg import append_messages_pg
from mss.store.records import (
    Appended,
    FlagMode,
    FlagUpdate,
    MessageIndexEntry,
    MessageRecord,
    NewMessage,
    decode_flags,
    encode_flags,
)
from mss.store.schema import contents, expunged, mailboxes, messages

IN_CHUNK = 500
_INSERT_CONTENT_SQLITE = text(
    "INSERT INTO contents (rowid, object_id, content) VALUES (:rowid, :object_id, :content)"
)


def record_from_row(row: Row[Any]) -> MessageRecord:
    return MessageRecord(
        mailbox_id=row.mailbox_id,
        uid=row.uid,
        modseq=row.modseq,
        flags=decode_flags(row.flags),
        internal_date=row.internal_date,
        size=row.size,
        object_id=bytes(row.object_id),
        sealed_key=bytes(row.sealed_key),
        summary=bytes(row.summary),
    )


def _chunks(uids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(uids), IN_CHUNK):
        yield uids[start : start + IN_CHUNK]


async def allocate(
    conn: AsyncConnection, mailbox_id: int, uids: int, modseqs: int = 1
) -> tuple[int, int, int, int]:
    """Reserve ``uids`` UIDs and ``modseqs`` MODSEQs.

    Returns (first uid, first modseq, uidvalidity, account id).
    """
    row = (
        await conn.execute(
            update(mailboxes)
            .where(mailboxes.c.id == mailbox_id)
            .values(
                uidnext=mailboxes.c.uidnext + uids,
                highestmodseq=mailboxes.c.highestmodseq + modseqs,
            )
            .returning(
                mailboxes.c.uidnext,
                mailboxes.c.highestmodseq,
                mailboxes.c.uidvalidity,
                mailboxes.c.account_id,
            )
        )
    ).first()
    if row is None:
        raise NotFound(f"mailbox {mailbox_id} does not exist")
    return int(row[0]) - uids, int(row[1]) - modseqs + 1, int(row[2]), int(row[3])


async def append_messages(
    conn: AsyncConnection, batch: Sequence[tuple[int, NewMessage]]
) -> tuple[list[Appended], list[Change]]:
    """Append many messages with one allocation per mailbox and two bulk inserts.

    Each message gets its own UID and its own MODSEQ, in the order of ``batch``. On PostgreSQL
    the whole batch is one statement (``message_pg.py``).
    """
    if conn.dialect.name == "postgresql":
        return await append_messages_pg(conn, batch)
    by_mailbox: dict[int, list[int]] = {}
    for position, (mailbox_id, _) in enumerate(batch):
        by_mailbox.setdefault(mailbox_id, []).append(position)
    appended: list[Appended | None] = [None] * len(batch)
    changes: list[Change] = []
    rows: list[dict[str, object]] = []
    for mailbox_id, positions in by_mailbox.items():
        count = len(positions)
        uid, modseq, uidvalidity, account_id = await allocate(conn, mailbox_id, count, count)
        for offset, position in enumerate(positions):
            message = batch[position][1]
            appended[position] = Appended(mailbox_id, uidvalidity, uid + offset, modseq + offset)
            rows.append(
                {
                    "mailbox_id": mailbox_id,
                    "uid": uid + offset,
                    "modseq": modseq + offset,
                    "flags": encode_flags(message.flags),
                    "internal_date": message.internal_date,
                    "size": message.size,
                    "object_id": message.object_id,
                    "sealed_key": message.sealed_key,
                    "summary": message.summary,
                }
            )
        uids = tuple(range(uid, uid + count))
        changes.append(Change("added", account_id, mailbox_id, uids, modseq + count - 1))
    # SQLite files every row of a table without an integer key under a hidden, counted rowid,
    # which `SELECT rowid` shows: drawn at random here, it no longer runs in step for the copies
    # of one message (mss/coarse.py).
    await conn.execute(
        _INSERT_CONTENT_SQLITE,
        [
            {"rowid": random_row_id(), "object_id": m.object_id, "content": m.content}
            for _, m in batch
        ],
    )
    await conn.execute(insert(messages), rows)
    return [a for a in appended if a is not None], changes


async def store_flags(
    conn: AsyncConnection,
    mailbox_id: int,
    uids: Sequence[int],
    mode: FlagMode,
    flags: frozenset[str],
    unchanged_since: int | None,
) -> tuple[list[FlagUpdate], list[int], list[Change]]:
    """Apply STORE (RFC 3501 §6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3).

    Returns the updated messages, the UIDs that failed the UNCHANGEDSINCE test, and the change.
    Messages whose flags would not change keep their MODSEQ.
    """
    rows: list[Any] = []
    for chunk in _chunks(uids):
        result = await conn.execute(
            select(messages.c.id, messages.c.uid, messages.c.flags, messages.c.modseq).where(
                messages.c.mailbox_id == mailbox_id, messages.c.uid.in_(chunk)
            )
        )
        rows.extend(result.all())
    failed = [
        row.uid for row in rows if unchanged_since is not None and row.modseq > unchanged_since
    ]
    planned: list[tuple[int, int, frozenset[str]]] = []
    for row in rows:
        if row.uid in failed:
            continue
        current = decode_flags(row.flags)
        if mode is FlagMode.REPLACE:
            new = flags
        elif mode is FlagMode.ADD:
            new = current | flags
        else:
            new = current - flags
        if new != current:
            planned.append((row.id, row.uid, new))
    if not planned:
        return [], sorted(failed), []
    _, modseq, _, account_id = await allocate(conn, mailbox_id, 0)
    for message_id, _, new in planned:
        await conn.execute(
            update(messages)
            .where(messages.c.id == message_id)
            .values(flags=encode_flags(new), modseq=modseq)
        )
    updates = sorted((FlagUpdate(uid, modseq, new) for _, uid, new in planned), key=lambda u: u.uid)
    change = Change("flags", account_id, mailbox_id, tuple(u.uid for u in updates), modseq)
    return updates, sorted(failed), [change]


async def expunge_messages(
    conn: AsyncConnection, mailbox_id: int, uids: Sequence[int]
) -> tuple[list[int], list[Change]]:
    """Remove messages, remember their UIDs for QRESYNC, and drop bodies nobody references."""
    found: list[tuple[int, bytes]] = []
    for chunk in _chunks(uids):
        result = await conn.execute(
            select(messages.c.uid, messages.c.object_id).where(
                messages.c.mailbox_id == mailbox_id, messages.c.uid.in_(chunk)
            )
        )
        found.extend((row.uid, bytes(row.object_id)) for row in result)
    if not found:
        return [], []
    _, modseq, _, account_id = await allocate(conn, mailbox_id, 0)
    removed = sorted(uid for uid, _ in found)
    for chunk in _chunks(removed):
        await conn.execute(
            delete(messages).where(messages.c.mailbox_id == mailbox_id, messages.c.uid.in_(chunk))
        )
    await conn.execute(
        insert(expunged),
        [{"mailbox_id": mailbox_id, "uid": uid, "modseq": modseq} for uid in removed],
    )
    await delete_orphan_contents(conn, [object_id for _, object_id in found])
    return removed, [Change("expunged", account_id, mailbox_id, tuple(removed), modseq)]


async def delete_orphan_contents(conn: AsyncConnection, object_ids: Iterable[bytes]) -> None:
    candidates = sorted(set(object_ids))
    if not candidates:
        return
    still_used: set[bytes] = set()
    for start in range(0, len(candidates), IN_CHUNK):
        chunk = candidates[start : start + IN_CHUNK]
        result = await conn.execute(
            select(messages.c.object_id).where(messages.c.object_id.in_(chunk)).distinct()
        )
        still_used.update(bytes(oid) for oid in result.scalars())
    orphans = [oid for oid in candidates if oid not in still_used]
    for start in range(0, len(orphans), IN_CHUNK):
        await conn.execute(
            delete(contents).where(contents.c.object_id.in_(orphans[start : start + IN_CHUNK]))
        )


async def copy_messages(
    conn: AsyncConnection, source_id: int, uids: Sequence[int], target_id: int
) -> tuple[list[tuple[int, int]], int, list[Change]]:
    """COPY (RFC 3501 §6.4.7) within one owner: the copies share the encrypted content.

    Returns (source uid, new uid) pairs in source UID order and the target's UIDVALIDITY, for
    COPYUID (RFC 4315 §3).
    """
    records: list[Row[Any]] = []
    for chunk in _chunks(uids):
        result = await conn.execute(
            select(messages).where(messages.c.mailbox_id == source_id, messages.c.uid.in_(chunk))
        )
        records.extend(result.all())
    records.sort(key=lambda row: row.uid)
    owners = (
        await conn.execute(
            select(mailboxes.c.id, mailboxes.c.account_id).where(
                mailboxes.c.id.in_([source_id, target_id])
            )
        )
    ).all()
    owner_of = {row.id: row.account_id for row in owners}
    if target_id not in owner_of:
        raise NotFound(f"mailbox {target_id} does not exist")
    if owner_of.get(source_id) != owner_of[target_id]:
        raise Conflict("messages can only be copied between mailboxes of the same owner")
    if not records:
        return [], 0, []
    first_uid, modseq, uidvalidity, account_id = await allocate(conn, target_id, len(records))
    pairs = [(row.uid, first_uid + offset) for offset, row in enumerate(records)]
    await conn.execute(
        insert(messages),
        [
            {
                "mailbox_id": target_id,
                "uid": new_uid,
                "modseq": modseq,
                "flags": row.flags,
                "internal_date": row.internal_date,
                "size": row.size,
                "object_id": row.object_id,
                "sealed_key": row.sealed_key,
                "summary": row.summary,
            }
            for row, (_, new_uid) in zip(records, pairs, strict=True)
        ],
    )
    new_uids = tuple(new for _, new in pairs)
    return pairs, uidvalidity, [Change("added", account_id, target_id, new_uids, modseq)]


async def message_index(conn: AsyncConnection, mailbox_id: int) -> list[MessageIndexEntry]:
    query = select(
        messages.c.uid,
        messages.c.modseq,
        messages.c.flags,
        messages.c.internal_date,
        messages.c.size,
    ).where(messages.c.mailbox_id == mailbox_id)
    result = await conn.execute(query.order_by(messages.c.uid))
    return [
        MessageIndexEntry(row.uid, row.modseq, decode_flags(row.flags), row.internal_date, row.size)
        for row in result
    ]


async def select_messages(
    conn: AsyncConnection, mailbox_id: int, uids: Sequence[int]
) -> list[MessageRecord]:
    records: list[MessageRecord] = []
    for chunk in _chunks(sorted(uids)):
        result = await conn.execute(
            select(messages)
            .where(messages.c.mailbox_id == mailbox_id, messages.c.uid.in_(chunk))
            .order_by(messages.c.uid)
        )
        records.extend(record_from_row(row) for row in result)
    return records


async def vanished_since(conn: AsyncConnection, mailbox_id: int, modseq: int) -> list[int]:
    result = await conn.execute(
        select(expunged.c.uid)
        .where(expunged.c.mailbox_id == mailbox_id, expunged.c.modseq > modseq)
        .order_by(expunged.c.uid)
    )
    return [int(uid) for uid in result.scalars()]
