"""Keeping SQLite's FTS5 index in step with `directory_mailbox` (no-ops on PostgreSQL).

The index is contentless: removing a row means replaying the exact text it was indexed with,
which the callers read before they change or delete a row. Each function issues one statement
for many rows where it can, because FTS5 flushes its pending terms at every statement.
PostgreSQL needs none of this: its trigram index follows the table by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from directory.schema import FTS_PREFIX_MAX, fts_table, mailbox

_INDEX_RANGE = sa.text(
    "INSERT INTO directory_mailbox_fts(rowid, search_text) SELECT id, search_text "
    "FROM directory_mailbox WHERE id > :low AND id <= :high AND listed"
)
_UNINDEX = (
    "INSERT INTO directory_mailbox_fts(directory_mailbox_fts, rowid, search_text) "
    "VALUES ('delete', ?, ?)"
)
_INDEX = "INSERT INTO directory_mailbox_fts(rowid, search_text) VALUES (?, ?)"


def applies(conn: AsyncConnection) -> bool:
    """Whether this database keeps an FTS5 index (SQLite)."""
    return conn.dialect.name == "sqlite"


def long_words(texts: Iterable[str]) -> set[str]:
    """The words of search texts that are longer than the indexed prefixes."""
    return {word for text in texts for word in text.split() if len(word) > FTS_PREFIX_MAX}


async def remember_words(conn: AsyncConnection, texts: Iterable[str]) -> None:
    """Record the long words of newly indexed texts (see `directory_search_word`)."""
    words = long_words(texts)
    if applies(conn) and words:
        await conn.exec_driver_sql(
            "INSERT OR IGNORE INTO directory_search_word (word) VALUES (?)",
            [(word,) for word in sorted(words)],
        )


async def index_id_range(conn: AsyncConnection, low: int, high: int) -> None:
    """Index the listed rows with ``low < id <= high`` (rows just inserted by this transaction)."""
    if applies(conn):
        await conn.execute(_INDEX_RANGE, {"low": low, "high": high})


async def unindex(conn: AsyncConnection, rows: Sequence[tuple[int, str]]) -> None:
    """Remove (id, indexed text) pairs from the index."""
    if applies(conn) and rows:
        await conn.exec_driver_sql(_UNINDEX, list(rows))


async def index(conn: AsyncConnection, rows: Sequence[tuple[int, str]]) -> None:
    """Add (id, text) pairs to the index."""
    if applies(conn) and rows:
        await conn.exec_driver_sql(_INDEX, list(rows))
        await remember_words(conn, (text for _, text in rows))


async def unindex_where(conn: AsyncConnection, condition: sa.ColumnElement[bool]) -> None:
    """Remove every listed mailbox matching ``condition`` from the index, in one statement."""
    if not applies(conn):
        return
    source = sa.select(sa.literal("delete"), mailbox.c.id, mailbox.c.search_text).where(
        condition & mailbox.c.listed
    )
    await conn.execute(
        sa.insert(fts_table).from_select(
            [fts_table.c.directory_mailbox_fts, fts_table.c.rowid, fts_table.c.search_text],
            source,
        )
    )


async def rebuild(conn: AsyncConnection) -> None:
    """Index every listed mailbox afresh, in row order: how a bulk load fills the index."""
    if not applies(conn):
        return
    await conn.exec_driver_sql(
        "INSERT INTO directory_mailbox_fts(directory_mailbox_fts) VALUES ('delete-all')"
    )
    await conn.exec_driver_sql(
        "INSERT INTO directory_mailbox_fts(rowid, search_text) "
        "SELECT id, search_text FROM directory_mailbox WHERE listed"
    )
