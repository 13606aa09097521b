"""Reads by address or id, local accounts, the red list, and import runs and retirement.

Implementation notes:
- An import is a series of batches (`directory.store_import`) in one transaction, with
  retirement at its end (`directory.importer` says when it commits).
- Every national row carries the id of the last import run that wrote it (`seen_run`); a run
  lists the rows it found unchanged in a temporary table instead of rewriting them. Retirement
  at the end of a complete run removes national rows neither written nor listed, then orphaned
  practitioners and structures. Local accounts are never removed by an import.
- Every change of a row's search text or red list flag goes through `directory.store_fts` in the
  same transaction, so SQLite's full-text index never disagrees with the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from directory import store_fts
from directory.model import DirectoryEntry
from directory.schema import mailbox, organisation, practitioner, seen_table
from directory.store_rows import entry_from_row, mailbox_row


def entry_select() -> sa.Select[Any]:
    """A mailbox joined with its practitioner and structure, columns named for `entry_from_row`."""
    columns: list[Any] = list(mailbox.c)
    columns += [c.label(f"p_{c.name}") for c in practitioner.c]
    columns += [c.label(f"o_{c.name}") for c in organisation.c]
    joined = mailbox.outerjoin(
        practitioner, practitioner.c.national_id == mailbox.c.practitioner_id
    ).outerjoin(organisation, organisation.c.national_id == mailbox.c.organisation_id)
    return sa.select(*columns).select_from(joined)


async def resolve(engine: AsyncEngine, address: str) -> DirectoryEntry | None:
    """The entry of one exact (canonical) address, red list included."""
    async with engine.connect() as conn:
        row = (await conn.execute(entry_select().where(mailbox.c.address == address))).first()
    return None if row is None else entry_from_row(row._mapping)


async def entries_by_id(conn: AsyncConnection, ids: Sequence[int]) -> list[DirectoryEntry]:
    """Entries of the given mailbox ids, in the order of ``ids``."""
    if not ids:
        return []
    result = await conn.execute(entry_select().where(mailbox.c.id.in_(ids)))
    by_id = {row.id: entry_from_row(row._mapping) for row in result}
    return [by_id[i] for i in ids if i in by_id]


async def retire(conn: AsyncConnection, run_id: int, sample: list[str], sample_size: int) -> int:
    """Retire national entries that run ``run_id`` did not see; return how many, and append the
    first ``sample_size`` of their addresses to ``sample`` (for a dry run to show).

    Runs on the import's own connection, whose temporary `directory_seen` table lists the rows
    the run found unchanged (the others it wrote carry ``seen_run = run_id``). A local account
    stays (it is this server's), losing only what the national file said.
    """
    # NOT EXISTS, not NOT IN: PostgreSQL plans it as a hash anti-join whatever the size.
    unchanged = sa.exists().where(seen_table.c.id == mailbox.c.id)
    stale = mailbox.c.national & (mailbox.c.seen_run < run_id) & ~unchanged
    first = sa.select(mailbox.c.address).where(stale).order_by(mailbox.c.address).limit(sample_size)
    sample.extend((await conn.execute(first)).scalars())
    await store_fts.unindex_where(conn, stale & ~mailbox.c.local)
    deleted = await conn.execute(sa.delete(mailbox).where(stale & ~mailbox.c.local))
    kept = await conn.execute(
        sa.update(mailbox)
        .where(stale & mailbox.c.local)
        .values(national=False, practitioner_id=None, organisation_id=None, fingerprint=None)
    )
    referenced_person = sa.select(mailbox.c.id).where(
        mailbox.c.practitioner_id == practitioner.c.national_id
    )
    referenced_structure = sa.select(mailbox.c.id).where(
        mailbox.c.organisation_id == organisation.c.national_id
    )
    await conn.execute(sa.delete(practitioner).where(~referenced_person.exists()))
    await conn.execute(sa.delete(organisation).where(~referenced_structure.exists()))
    return deleted.rowcount + kept.rowcount


async def upsert_local(engine: AsyncEngine, entry: DirectoryEntry) -> None:
    """Publish a local account: create its entry, or set its keys on the existing one.

    What the national file says about an address (identity, kind, name) wins over the
    account's own display name; the red list flag of an existing entry is left as it is.
    """
    fresh = mailbox_row(entry)
    async with engine.begin() as conn:
        found = await conn.execute(
            sa.select(
                mailbox.c.id, mailbox.c.national, mailbox.c.listed, mailbox.c.search_text
            ).where(mailbox.c.address == entry.address)
        )
        row = found.first()
        if row is None:
            result = await conn.execute(mailbox.insert().values(**fresh))
            key = result.inserted_primary_key
            if entry.listed and key is not None:
                await store_fts.index(conn, [(int(key[0]), fresh["search_text"])])
            return
        values: dict[str, Any] = {
            "local": True,
            "encryption_key": entry.encryption_key,
            "signing_key": entry.signing_key,
        }
        if not row.national:
            for name in ("kind", "display_name", "search_text", "name_norm", "given_norm"):
                values[name] = fresh[name]
        await conn.execute(sa.update(mailbox).where(mailbox.c.id == row.id).values(**values))
        if row.listed and "search_text" in values and values["search_text"] != row.search_text:
            await store_fts.unindex(conn, [(row.id, row.search_text)])
            await store_fts.index(conn, [(row.id, values["search_text"])])


async def set_listed(engine: AsyncEngine, address: str, listed: bool) -> bool:
    """Put an address on the red list (``listed=False``) or take it off; False if unknown."""
    async with engine.begin() as conn:
        found = await conn.execute(
            sa.select(mailbox.c.id, mailbox.c.listed, mailbox.c.search_text).where(
                mailbox.c.address == address
            )
        )
        row = found.first()
        if row is None:
            return False
        if bool(row.listed) == listed:
            return True
        await conn.execute(sa.update(mailbox).where(mailbox.c.id == row.id).values(listed=listed))
        pair = [(row.id, row.search_text)]
        await (store_fts.index(conn, pair) if listed else store_fts.unindex(conn, pair))
    return True
