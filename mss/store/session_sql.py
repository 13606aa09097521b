"""SQL of webmail sessions and TOTP second factors.

A request finds its session with one indexed read that joins the account; ``last_seen_at`` is
written only when it has aged (the caller decides how much), so browsing does not turn every
page view into a write. A TOTP time step is accepted by one conditional UPDATE, which is what
makes a replayed code fail even when two requests race.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.account_sql import account_from_row
from mss.store.schema import accounts
from mss.store.webmail_records import (
    NewWebSession,
    SessionStage,
    SessionWithAccount,
    TotpRecord,
    WebSessionRecord,
)
from mss.store.webmail_schema import web_sessions, web_totp


def session_from_row(row: Row[Any]) -> WebSessionRecord:
    return WebSessionRecord(
        id=row.id,
        lookup=bytes(row.lookup),
        account_id=row.account_id,
        stage=SessionStage(row.stage),
        sealed_keys=bytes(row.sealed_keys),
        sealed_label=bytes(row.sealed_label),
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
    )


async def insert_session(conn: AsyncConnection, new: NewWebSession) -> WebSessionRecord:
    result = await conn.execute(
        insert(web_sessions)
        .values(
            lookup=new.lookup,
            account_id=new.account_id,
            stage=new.stage.value,
            sealed_keys=new.sealed_keys,
            sealed_label=new.sealed_label,
            created_at=new.created_at,
            last_seen_at=new.created_at,
            expires_at=new.expires_at,
        )
        .returning(web_sessions.c.id)
    )
    return WebSessionRecord(
        id=result.scalar_one(),
        lookup=new.lookup,
        account_id=new.account_id,
        stage=new.stage,
        sealed_keys=new.sealed_keys,
        sealed_label=new.sealed_label,
        created_at=new.created_at,
        last_seen_at=new.created_at,
        expires_at=new.expires_at,
    )


async def select_by_lookup(conn: AsyncConnection, lookup: bytes) -> SessionWithAccount | None:
    session_columns = [column.label(f"s_{column.name}") for column in web_sessions.c]
    row = (
        await conn.execute(
            select(accounts, *session_columns)
            .join(web_sessions, web_sessions.c.account_id == accounts.c.id)
            .where(web_sessions.c.lookup == lookup)
        )
    ).first()
    if row is None:
        return None
    session = WebSessionRecord(
        id=row.s_id,
        lookup=bytes(row.s_lookup),
        account_id=row.s_account_id,
        stage=SessionStage(row.s_stage),
        sealed_keys=bytes(row.s_sealed_keys),
        sealed_label=bytes(row.s_sealed_label),
        created_at=row.s_created_at,
        last_seen_at=row.s_last_seen_at,
        expires_at=row.s_expires_at,
    )
    return SessionWithAccount(session, account_from_row(row))


async def select_sessions(conn: AsyncConnection, account_id: int) -> list[WebSessionRecord]:
    rows = await conn.execute(
        select(web_sessions)
        .where(web_sessions.c.account_id == account_id)
        .order_by(web_sessions.c.last_seen_at.desc(), web_sessions.c.id.desc())
    )
    return [session_from_row(row) for row in rows]


async def touch(conn: AsyncConnection, session_id: int, seen_at: int) -> None:
    await conn.execute(
        update(web_sessions).where(web_sessions.c.id == session_id).values(last_seen_at=seen_at)
    )


async def delete_session(conn: AsyncConnection, account_id: int, session_id: int) -> bool:
    """Only the owner's session is deleted; False when no such session is theirs."""
    result = await conn.execute(
        delete(web_sessions).where(
            web_sessions.c.id == session_id, web_sessions.c.account_id == account_id
        )
    )
    return bool(result.rowcount)


async def delete_other_sessions(conn: AsyncConnection, account_id: int, keep_id: int) -> int:
    result = await conn.execute(
        delete(web_sessions).where(
            web_sessions.c.account_id == account_id, web_sessions.c.id != keep_id
        )
    )
    return int(result.rowcount)


async def purge_expired(conn: AsyncConnection, now: int, idle_cutoff: int) -> int:
    """Sessions past their absolute expiry or idle longer than allowed."""
    result = await conn.execute(
        delete(web_sessions).where(
            or_(web_sessions.c.expires_at <= now, web_sessions.c.last_seen_at <= idle_cutoff)
        )
    )
    return int(result.rowcount)


async def select_totp(conn: AsyncConnection, account_id: int) -> TotpRecord | None:
    row = (await conn.execute(select(web_totp).where(web_totp.c.account_id == account_id))).first()
    if row is None:
        return None
    return TotpRecord(row.account_id, bytes(row.sealed_secret), row.last_step, row.created_at)


async def replace_totp(conn: AsyncConnection, record: TotpRecord) -> None:
    await conn.execute(delete(web_totp).where(web_totp.c.account_id == record.account_id))
    await conn.execute(
        insert(web_totp).values(
            account_id=record.account_id,
            sealed_secret=record.sealed_secret,
            last_step=record.last_step,
            created_at=record.created_at,
        )
    )


async def delete_totp(conn: AsyncConnection, account_id: int) -> None:
    await conn.execute(delete(web_totp).where(web_totp.c.account_id == account_id))


async def advance_totp_step(conn: AsyncConnection, account_id: int, step: int) -> bool:
    """Accept time step ``step`` once: False if it (or a later one) was used already."""
    result = await conn.execute(
        update(web_totp)
        .where(web_totp.c.account_id == account_id, web_totp.c.last_step < step)
        .values(last_step=step)
    )
    return bool(result.rowcount)
