"""Writing batches of imported lines: the hot path of the national import.

Rows reach the driver as tuples through statements compiled once per dialect: SQLAlchemy's
per-row parameter processing cost more than SQLite itself on a million lines. Everything runs in
the caller's one transaction (see `directory.importer`), which commits or rolls back the run
as a whole.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler

from directory import store_fts
from directory.import_worker import PreparedLine
from directory.schema import (
    create_directory_indexes,
    drop_deferrable_indexes,
    import_run,
    mailbox,
    organisation,
    practitioner,
    seen_table,
)
from directory.store_rows import (
    MAILBOX_COLUMNS,
    ORGANISATION_COLUMNS,
    PRACTITIONER_COLUMNS,
    SEARCH_TEXT,
)

# Columns an import never overwrites on an existing row: the red list flag is the server's own
# decision, and keys belong to local accounts.
KEPT_ON_IMPORT = frozenset({"listed", "local", "encryption_key", "signing_key"})
_INSERTED = (*MAILBOX_COLUMNS, "fingerprint", "seen_run", "source_line")
_UPDATED = tuple(name for name in _INSERTED if name not in KEPT_ON_IMPORT)
_pick_updated = itemgetter(*(_INSERTED.index(name) for name in _UPDATED))
# Page cache of the import's connection on SQLite, in KiB (see `bulk_connection`).
BULK_CACHE_KIB = 49_152
# Addresses per lookup of existing rows: well under both databases' bound-parameter limits.
LOOKUP_SLICE = 5000
# Addresses of each kind of change a `ChangeSample` keeps.
SAMPLE_SIZE = 5


@dataclass(slots=True)
class ChangeSample:
    """The first few addresses a run adds, updates and retires, for a dry run to show."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    def note(self, kind: list[str], address: str) -> None:
        """Keep ``address`` in ``kind`` (one of this sample's lists) while it has room."""
        if len(kind) < SAMPLE_SIZE:
            kind.append(address)


@dataclass(slots=True)
class BatchOutcome:
    """What one batch did; ``duplicates`` pairs a line with the earlier line of its address."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: list[tuple[int, int]] = field(default_factory=list)


@asynccontextmanager
async def bulk_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection for a whole import, tuned for bulk writes while the import runs.

    On SQLite the page cache is raised so that the dirty index pages of a transaction of many
    thousand rows stay in memory until commit (inserts land at random places of the address and
    name indexes); the connection's own setting is restored afterwards.
    """
    async with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        previous = None
        if sqlite:
            previous = (await conn.exec_driver_sql("PRAGMA cache_size")).scalar_one()
            await conn.exec_driver_sql(f"PRAGMA cache_size = {-BULK_CACHE_KIB:d}")
        await conn.run_sync(seen_table.create, checkfirst=True)
        await conn.execute(sa.delete(seen_table))
        await conn.commit()
        try:
            yield conn
        finally:
            await conn.rollback()
            await conn.run_sync(seen_table.drop, checkfirst=True)
            if previous is not None:
                await conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous):d}")
            await conn.commit()


@dataclass(slots=True)
class RunState:
    """What the batches of one run share.

    ``initial_load`` says the directory was empty when the run began: secondary indexes and the
    full-text index are then built once at the end (`end_initial_load`) instead of row by row.
    """

    run_id: int
    initial_load: bool


async def open_run(conn: AsyncConnection, source: str) -> int:
    """Record the start of an import run and return its id (the `seen_run` of its rows)."""
    result = await conn.execute(
        import_run.insert().values(
            source=source[:500], started_at=datetime.now(UTC), status="running"
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


async def close_run(
    conn: AsyncConnection, run_id: int, counts: dict[str, int], status: str
) -> None:
    """Close an import run with its counts and how it ended."""
    await conn.execute(
        import_run.update()
        .where(import_run.c.id == run_id)
        .values(finished_at=datetime.now(UTC), status=status, **counts)
    )


async def begin_initial_load(conn: AsyncConnection) -> bool:
    """If the directory holds no mailbox at all, drop its secondary indexes and say so."""
    if (await conn.execute(sa.select(mailbox.c.id).limit(1))).first() is not None:
        return False
    await conn.run_sync(drop_deferrable_indexes)
    return True


async def end_initial_load(conn: AsyncConnection, state: RunState) -> None:
    """Build the indexes dropped by `begin_initial_load`, before anything (retirement) needs
    them, within the run's transaction."""
    if state.initial_load:
        await conn.run_sync(create_directory_indexes)
        await store_fts.rebuild(conn)
        state.initial_load = False


async def write_batch(
    conn: AsyncConnection, state: RunState, lines: Sequence[PreparedLine], sample: ChangeSample
) -> BatchOutcome:
    """Write one batch of validated lines within the caller's transaction; note the first
    changed addresses in ``sample``."""
    run_id = state.run_id
    outcome = BatchOutcome()
    first_line: dict[str, int] = {}
    unique: list[PreparedLine] = []
    for line in lines:
        earlier = first_line.setdefault(line.mailbox[0], line.number)
        if earlier != line.number:
            outcome.duplicates.append((line.number, earlier))
        else:
            unique.append(line)
    existing = await _existing(conn, list(first_line))
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    unchanged: list[tuple[Any, ...]] = []
    reindex: list[tuple[int, str, str]] = []
    changed: list[PreparedLine] = []
    for line in unique:
        row = existing.get(line.mailbox[0])
        if row is not None and row.seen_line is not None:
            outcome.duplicates.append((line.number, row.seen_line))
        elif row is not None and row.seen_run == run_id:
            outcome.duplicates.append((line.number, row.source_line))
        elif row is not None and row.national and row.fingerprint == line.digest:
            unchanged.append((row.id, line.number))
        else:
            values = (*line.mailbox, line.digest, run_id, line.number)
            changed.append(line)
            if row is None:
                inserts.append(values)
                sample.note(sample.added, line.mailbox[0])
                continue
            sample.note(sample.updated, line.mailbox[0])
            updates.append((*_pick_updated(values), row.id))
            if row.listed and row.search_text != line.mailbox[SEARCH_TEXT]:
                reindex.append((row.id, row.search_text, line.mailbox[SEARCH_TEXT]))
    await _write_owners(conn, changed, lines)
    await _write_mailboxes(conn, inserts, updates, reindex, state.initial_load)
    if unchanged:
        names = ("id", "line")
        insert = seen_table.insert().values(id=sa.bindparam("id"), line=sa.bindparam("line"))
        await _executemany(conn, "seen-insert", insert, names, unchanged)
    outcome.added, outcome.updated, outcome.unchanged = len(inserts), len(updates), len(unchanged)
    return outcome


async def _existing(conn: AsyncConnection, addresses: list[str]) -> dict[str, Any]:
    """The rows already stored for these addresses, looked up in slices of bounded size."""
    found: dict[str, Any] = {}
    columns = (
        mailbox.c.address, mailbox.c.id, mailbox.c.fingerprint, mailbox.c.seen_run,
        mailbox.c.source_line, mailbox.c.national, mailbox.c.listed, mailbox.c.search_text,
        seen_table.c.line.label("seen_line"),
    )  # fmt: skip
    joined = mailbox.outerjoin(seen_table, seen_table.c.id == mailbox.c.id)
    for start in range(0, len(addresses), LOOKUP_SLICE):
        part = addresses[start : start + LOOKUP_SLICE]
        query = sa.select(*columns).select_from(joined).where(mailbox.c.address.in_(part))
        result = await conn.execute(query)
        found.update((row.address, row) for row in result)
    return found


async def _write_mailboxes(
    conn: AsyncConnection,
    inserts: list[tuple[Any, ...]],
    updates: list[tuple[Any, ...]],
    reindex: list[tuple[int, str, str]],
    initial_load: bool,
) -> None:
    if inserts and conn.dialect.name == "postgresql":
        await _copy(conn, mailbox.name, _INSERTED, inserts)
    elif inserts:
        insert = mailbox.insert().values({name: sa.bindparam(name) for name in _INSERTED})
        await _executemany(conn, "mailbox-insert", insert, _INSERTED, inserts)
    if inserts:
        await store_fts.remember_words(conn, (values[SEARCH_TEXT] for values in inserts))
        if store_fts.applies(conn) and not initial_load:
            # Inside this write transaction SQLite numbered the new rows max+1, max+2, ...
            high = (await conn.execute(sa.select(sa.func.max(mailbox.c.id)))).scalar_one()
            await store_fts.index_id_range(conn, high - len(inserts), high)
    if updates:
        await store_fts.unindex(conn, [(row_id, old) for row_id, old, _ in reindex])
        names = (*_UPDATED, "row_id")
        await _executemany(conn, "mailbox-update", _update(_UPDATED), names, updates)
        await store_fts.index(conn, [(row_id, new) for row_id, _, new in reindex])


async def _write_owners(
    conn: AsyncConnection, changed: Sequence[PreparedLine], lines: Sequence[PreparedLine]
) -> None:
    """Upsert the practitioners of new or changed lines and every structure the batch carries,
    before the mailboxes that reference them."""
    people = {line.practitioner[0]: line.practitioner for line in changed if line.practitioner}
    structures = [line.organisation for line in lines if line.organisation]
    if structures:
        upsert = _upsert(conn, organisation, ORGANISATION_COLUMNS)
        await _executemany(conn, "organisation-upsert", upsert, ORGANISATION_COLUMNS, structures)
    if people:
        upsert = _upsert(conn, practitioner, PRACTITIONER_COLUMNS)
        rows = list(people.values())
        await _executemany(conn, "practitioner-upsert", upsert, PRACTITIONER_COLUMNS, rows)


def _upsert(conn: AsyncConnection, table: sa.Table, columns: Sequence[str]) -> sa.ClauseElement:
    """INSERT ... ON CONFLICT (national_id) DO UPDATE every other column."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values({name: sa.bindparam(name) for name in columns})
    others = {name: statement.excluded[name] for name in columns if name != "national_id"}
    upsert: sa.ClauseElement = statement.on_conflict_do_update(
        index_elements=[table.c.national_id], set_=others
    )
    return upsert


def _update(columns: Sequence[str]) -> sa.Update:
    values: dict[str, Any] = {name: sa.bindparam(f"v_{name}") for name in columns}
    return sa.update(mailbox).where(mailbox.c.id == sa.bindparam("v_row_id")).values(values)


async def _copy(
    conn: AsyncConnection, table: str, names: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """PostgreSQL's COPY through asyncpg, inside the run's transaction: new rows in one stream
    instead of one INSERT each (the import's largest write on a first load)."""
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await driver.copy_records_to_table(table, records=rows, columns=list(names))


_compiled: dict[tuple[str, str], tuple[str, tuple[int, ...]]] = {}


async def _executemany(
    conn: AsyncConnection,
    key: str,
    build: sa.ClauseElement,
    names: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    """Run ``build`` once per row; ``rows`` hold the values of ``names`` in that order."""
    found = _compiled.get((conn.dialect.name, key))
    if found is None:
        compiled = build.compile(dialect=conn.dialect)
        assert isinstance(compiled, SQLCompiler)
        order = [name.removeprefix("v_") for name in compiled.positiontup or ()]
        found = (str(compiled), tuple(names.index(name) for name in order))
        _compiled[(conn.dialect.name, key)] = found
    sql, positions = found
    pick = itemgetter(*positions)
    await conn.exec_driver_sql(sql, [pick(row) for row in rows])
