"""SQL of TOTP recovery codes: keyed hashes only, and a code used is a row deleted.

Using a code is one DELETE whose row count says whether it was there, so two requests racing
with the same code cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.webmail_schema import web_totp_recovery


async def replace_codes(conn: AsyncConnection, account_id: int, digests: Sequence[bytes]) -> None:
    """The account's codes become ``digests``: earlier ones stop working."""
    await delete_codes(conn, account_id)
    if digests:
        await conn.execute(
            insert(web_totp_recovery),
            [{"account_id": account_id, "digest": digest} for digest in digests],
        )


async def delete_codes(conn: AsyncConnection, account_id: int) -> None:
    table = web_totp_recovery
    await conn.execute(delete(table).where(table.c.account_id == account_id))


async def use_code(conn: AsyncConnection, account_id: int, digest: bytes) -> bool:
    """Accept the code of ``digest`` once: True if it was there (and is now gone)."""
    result = await conn.execute(
        delete(web_totp_recovery).where(
            web_totp_recovery.c.account_id == account_id, web_totp_recovery.c.digest == digest
        )
    )
    return bool(result.rowcount)


async def count_codes(conn: AsyncConnection, account_id: int) -> int:
    query = select(func.count()).where(web_totp_recovery.c.account_id == account_id)
    return int((await conn.execute(query)).scalar_one())
