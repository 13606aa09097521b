"""SQL of the outbound queue: enqueue, lease, record outcomes, reports, and operator commands.

Implementation notes. A recipient is *leased* by writing a lease owner and expiry on its row in
one write transaction, and only rows whose lease is free (never taken, or expired because its
worker died) can be leased. On PostgreSQL the candidate rows are read ``FOR UPDATE SKIP LOCKED``,
so concurrent workers of any process pass over each other's rows instead of waiting on them; on
SQLite the single writer (``BEGIN IMMEDIATE``, across processes too) serialises the read and the
update. Outcomes are written only where the lease is still the writer's, so a worker that lost
its lease can never overwrite the work of the one that took it over. A message is deleted, with
its encrypted content, in the transaction that leaves no recipient pending and no report owed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, bindparam, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.errors import NotFound
from mss.store.queue_records import (
    NewQueuedMessage,
    NewQueuedRecipient,
    QueuedMessage,
    QueuedRecipient,
    QueueListing,
    RecipientOutcome,
    RecipientState,
)
from mss.store.queue_schema import queue_messages, queue_recipients

_messages = queue_messages
_recipients = queue_recipients


def recipient_from_row(row: Row[Any]) -> QueuedRecipient:
    return QueuedRecipient(
        id=row.id,
        message_id=row.message_id,
        address=row.address,
        domain=row.domain,
        notify=row.notify,
        orcpt=row.orcpt,
        state=RecipientState(row.state),
        attempts=row.attempts,
        next_attempt_ms=row.next_attempt_ms,
        last_attempt_ms=row.last_attempt_ms,
        status=row.status,
        last_error=row.last_error,
        last_reply=row.last_reply,
        remote_mta=row.remote_mta,
        report_due=row.report_due,
        lease_owner=row.lease_owner,
    )


async def insert_message(
    conn: AsyncConnection, message: NewQueuedMessage, recipients: Sequence[NewQueuedRecipient]
) -> int:
    result = await conn.execute(
        insert(_messages)
        .values(
            object_id=message.object_id,
            key_id=message.key_id,
            sealed_key=message.sealed_key,
            content=message.content,
            sender=message.sender,
            envid=message.envid,
            ret=message.ret,
            size=message.size,
            created_at_ms=message.created_at_ms,
            account_id=message.account_id,
        )
        .returning(_messages.c.id)
    )
    message_id = int(result.scalar_one())
    await conn.execute(
        insert(_recipients),
        [
            {
                "message_id": message_id,
                "address": recipient.address,
                "domain": recipient.domain,
                "notify": recipient.notify,
                "orcpt": recipient.orcpt,
                "state": RecipientState.PENDING.value,
                "attempts": 0,
                "next_attempt_ms": message.created_at_ms,
            }
            for recipient in recipients
        ],
    )
    return message_id


async def lease_due(
    conn: AsyncConnection, owner: str, key_id: bytes, now_ms: int, lease_ms: int, limit: int
) -> list[QueuedRecipient]:
    """Lease pending recipients whose next attempt is due, for sending."""
    due = (_recipients.c.state == RecipientState.PENDING.value) & (
        _recipients.c.next_attempt_ms <= now_ms
    )
    return await _lease(conn, owner, key_id, due, now_ms, lease_ms, limit)


async def lease_reports(
    conn: AsyncConnection, owner: str, key_id: bytes, now_ms: int, lease_ms: int, limit: int
) -> list[QueuedRecipient]:
    """Lease final recipients whose DSN is still owed to the sender."""
    owed = _recipients.c.report_due.is_not(None)
    return await _lease(conn, owner, key_id, owed, now_ms, lease_ms, limit)


async def _lease(
    conn: AsyncConnection,
    owner: str,
    key_id: bytes,
    condition: ColumnElement[bool],
    now_ms: int,
    lease_ms: int,
    limit: int,
) -> list[QueuedRecipient]:
    free = or_(_recipients.c.lease_expires_ms.is_(None), _recipients.c.lease_expires_ms <= now_ms)
    candidates = (
        select(_recipients.c.id)
        .join(_messages, _messages.c.id == _recipients.c.message_id)
        .where(condition, free, _messages.c.key_id == key_id)
        .order_by(_recipients.c.next_attempt_ms, _recipients.c.message_id, _recipients.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=_recipients)
    )
    ids = [int(value) for value in (await conn.execute(candidates)).scalars()]
    if not ids:
        return []
    await conn.execute(
        update(_recipients)
        .where(_recipients.c.id.in_(ids))
        .values(lease_owner=owner, lease_expires_ms=now_ms + lease_ms)
    )
    rows = await conn.execute(
        select(_recipients)
        .where(_recipients.c.id.in_(ids))
        .order_by(_recipients.c.message_id, _recipients.c.domain, _recipients.c.id)
    )
    return [recipient_from_row(row) for row in rows]


async def select_message(conn: AsyncConnection, message_id: int) -> QueuedMessage | None:
    row = (await conn.execute(select(_messages).where(_messages.c.id == message_id))).first()
    if row is None:
        return None
    return QueuedMessage(
        id=row.id,
        object_id=bytes(row.object_id),
        key_id=bytes(row.key_id),
        sealed_key=bytes(row.sealed_key),
        content=bytes(row.content),
        sender=row.sender,
        envid=row.envid,
        ret=row.ret,
        size=row.size,
        created_at_ms=row.created_at_ms,
        account_id=row.account_id,
    )


async def record_outcomes(
    conn: AsyncConnection, owner: str, outcomes: Sequence[RecipientOutcome]
) -> None:
    """Write each outcome where the lease is still ``owner``'s, and release those leases."""
    if not outcomes:
        return
    statement = (
        update(_recipients)
        .where(_recipients.c.id == bindparam("b_id"), _recipients.c.lease_owner == owner)
        .values(
            state=bindparam("b_state"),
            attempts=bindparam("b_attempts"),
            next_attempt_ms=bindparam("b_next"),
            last_attempt_ms=bindparam("b_last"),
            status=bindparam("b_status"),
            last_error=bindparam("b_error"),
            last_reply=bindparam("b_reply"),
            remote_mta=bindparam("b_mta"),
            report_due=bindparam("b_report"),
            lease_owner=None,
            lease_expires_ms=None,
        )
    )
    await conn.execute(
        statement,
        [
            {
                "b_id": outcome.recipient_id,
                "b_state": outcome.state.value,
                "b_attempts": outcome.attempts,
                "b_next": outcome.next_attempt_ms,
                "b_last": outcome.last_attempt_ms,
                "b_status": outcome.status,
                "b_error": outcome.last_error,
                "b_reply": outcome.last_reply,
                "b_mta": outcome.remote_mta,
                "b_report": outcome.report_due,
            }
            for outcome in outcomes
        ],
    )
    await delete_finished(conn, await _messages_of(conn, [o.recipient_id for o in outcomes]))


async def finish_reports(conn: AsyncConnection, owner: str, recipient_ids: Sequence[int]) -> None:
    """The owed DSNs of these recipients were delivered (or given up): clear them."""
    if not recipient_ids:
        return
    message_ids = await _messages_of(conn, recipient_ids)
    await conn.execute(
        update(_recipients)
        .where(_recipients.c.id.in_(recipient_ids), _recipients.c.lease_owner == owner)
        .values(report_due=None, lease_owner=None, lease_expires_ms=None)
    )
    await delete_finished(conn, message_ids)


async def _messages_of(conn: AsyncConnection, recipient_ids: Sequence[int]) -> list[int]:
    result = await conn.execute(
        select(_recipients.c.message_id).where(_recipients.c.id.in_(recipient_ids)).distinct()
    )
    return [int(value) for value in result.scalars()]


async def delete_finished(conn: AsyncConnection, message_ids: Iterable[int]) -> None:
    """Delete messages (content and recipients) with nothing left to send or report."""
    candidates = sorted(set(message_ids))
    if not candidates:
        return
    busy = await conn.execute(
        select(_recipients.c.message_id)
        .where(
            _recipients.c.message_id.in_(candidates),
            or_(
                _recipients.c.state == RecipientState.PENDING.value,
                _recipients.c.report_due.is_not(None),
            ),
        )
        .distinct()
    )
    still_open = {int(value) for value in busy.scalars()}
    finished = [message_id for message_id in candidates if message_id not in still_open]
    if finished:
        await _delete_messages(conn, finished)


async def _delete_messages(conn: AsyncConnection, message_ids: Sequence[int]) -> int:
    await conn.execute(delete(_recipients).where(_recipients.c.message_id.in_(message_ids)))
    result = await conn.execute(delete(_messages).where(_messages.c.id.in_(message_ids)))
    return int(result.rowcount)


async def list_queue(conn: AsyncConnection) -> list[QueueListing]:
    rows = await conn.execute(
        select(
            _recipients,
            _messages.c.sender.label("m_sender"),
            _messages.c.size.label("m_size"),
            _messages.c.created_at_ms.label("m_created"),
        )
        .join(_messages, _messages.c.id == _recipients.c.message_id)
        .order_by(_recipients.c.message_id, _recipients.c.id)
    )
    return [
        QueueListing(
            row.message_id, row.m_sender, row.m_size, row.m_created, recipient_from_row(row)
        )
        for row in rows
    ]


async def retry_message(conn: AsyncConnection, message_id: int, now_ms: int) -> int:
    """Make the pending recipients of a message due now; returns how many there are."""
    await _require(conn, message_id)
    result = await conn.execute(
        update(_recipients)
        .where(
            _recipients.c.message_id == message_id,
            _recipients.c.state == RecipientState.PENDING.value,
        )
        .values(next_attempt_ms=now_ms)
    )
    return int(result.rowcount)


async def drop_message(conn: AsyncConnection, message_id: int) -> None:
    """Delete a queued message without sending it or reporting it."""
    await _require(conn, message_id)
    await _delete_messages(conn, [message_id])


async def _require(conn: AsyncConnection, message_id: int) -> None:
    found = await conn.execute(select(_messages.c.id).where(_messages.c.id == message_id))
    if found.first() is None:
        raise NotFound(f"no queued message {message_id}")
