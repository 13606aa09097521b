"""Tables of the directory, on their own metadata, and the full-text DDL of each database.

The directory is a bounded context: nothing outside `directory/` reads these tables. Folded
search columns (`search_text`, `*_norm`) are computed in Python (`directory.normalise`) so both
databases match and sort the same way; name columns sort with the "C" collation on PostgreSQL,
which compares bytes as SQLite's BINARY does.

Every secondary index costs the import of a million lines several seconds, so there are few:
practitioners and structures are clustered on their national id (WITHOUT ROWID on SQLite),
mailboxes and practitioners have one index each in ranking order (SQLite appends the row id to
index entries, which settles ties), and the mailbox's owner columns are indexed for the FHIR
views and for retirement.

`create_directory_schema(conn)` is idempotent and takes a synchronous `Connection`, so it runs
from an Alembic migration (`op.get_bind()`) or from `AsyncConnection.run_sync`.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

metadata = sa.MetaData()

# Byte-wise ordering on PostgreSQL, like SQLite's BINARY, so pages come in the same order.
SortText = sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql")

import_run = sa.Table(
    "directory_import_run",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(500), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("lines", sa.Integer, nullable=False, default=0),
    sa.Column("added", sa.Integer, nullable=False, default=0),
    sa.Column("updated", sa.Integer, nullable=False, default=0),
    sa.Column("unchanged", sa.Integer, nullable=False, default=0),
    sa.Column("rejected", sa.Integer, nullable=False, default=0),
    sa.Column("retired", sa.Integer, nullable=False, default=0),
)

practitioner = sa.Table(
    "directory_practitioner",
    metadata,
    sa.Column("national_id", sa.String(32), primary_key=True),
    sa.Column("id_type", sa.String(4), nullable=False),
    sa.Column("id_value", sa.String(30), nullable=False),
    sa.Column("civility_code", sa.String(8)),
    sa.Column("civility_label", sa.String(60)),
    sa.Column("family", sa.String(200)),
    sa.Column("given", sa.String(200)),
    sa.Column("family_norm", SortText, nullable=False),
    sa.Column("given_norm", SortText, nullable=False),
    sa.Index("directory_practitioner_family", "family_norm", "given_norm"),
    sqlite_with_rowid=False,
)

organisation = sa.Table(
    "directory_organisation",
    metadata,
    sa.Column("national_id", sa.String(48), primary_key=True),
    sa.Column("id_type", sa.String(4), nullable=False),
    sa.Column("id_value", sa.String(40), nullable=False),
    sa.Column("name", sa.String(300)),
    sa.Column("trade_name", sa.String(300)),
    sa.Column("number", sa.String(20)),
    sa.Column("street_type", sa.String(40)),
    sa.Column("street", sa.String(200)),
    sa.Column("locality", sa.String(200)),
    sa.Column("delivery_line", sa.String(200)),
    sa.Column("postcode", sa.String(10)),
    sa.Column("city", sa.String(200)),
    sa.Column("department", sa.String(60)),
    sa.Column("country", sa.String(60)),
    sa.Column("name_norm", SortText, nullable=False),
    sa.Index("directory_organisation_name", "name_norm"),
    sqlite_with_rowid=False,
)

mailbox = sa.Table(
    "directory_mailbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("address", sa.String(254), nullable=False, unique=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("listed", sa.Boolean, nullable=False),
    sa.Column("national", sa.Boolean, nullable=False),
    sa.Column("local", sa.Boolean, nullable=False),
    sa.Column(
        "practitioner_id", sa.String(32), sa.ForeignKey("directory_practitioner.national_id")
    ),
    sa.Column(
        "organisation_id", sa.String(48), sa.ForeignKey("directory_organisation.national_id")
    ),
    sa.Column("display_name", sa.String(300), nullable=False),
    sa.Column("service", sa.String(300)),
    sa.Column("profession_code", sa.String(8)),
    sa.Column("profession_label", sa.String(120)),
    sa.Column("category_code", sa.String(8)),
    sa.Column("category_label", sa.String(120)),
    sa.Column("specialty_code", sa.String(16)),
    sa.Column("specialty_label", sa.String(200)),
    sa.Column("paperless", sa.Boolean),
    sa.Column("responsible", sa.String(300)),
    sa.Column("encryption_key", sa.LargeBinary(64)),
    sa.Column("signing_key", sa.LargeBinary(64)),
    # Folded text: " token token ... " (space-framed, see directory.normalise).
    sa.Column("search_text", sa.Text, nullable=False),
    sa.Column("name_norm", SortText, nullable=False),
    sa.Column("given_norm", SortText, nullable=False),
    # Digest of the national fields: a re-import rewrites only rows whose digest changed.
    sa.Column("fingerprint", sa.LargeBinary(16)),
    sa.Column("seen_run", sa.Integer),
    sa.Column("source_line", sa.Integer),
    # Covering the search's walk in ranking order: it reads index pages only, never rows.
    sa.Index("directory_mailbox_ranked", "name_norm", "given_norm", "id", "listed", "search_text"),
    sa.Index("directory_mailbox_practitioner", "practitioner_id"),
    sa.Index("directory_mailbox_organisation", "organisation_id"),
)

# Mailboxes an import found unchanged, with the line that named them: a temporary table of the
# import's own connection, so that a re-import records "seen" without rewriting every row.
seen_table = sa.Table(
    "directory_seen",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("line", sa.Integer, nullable=False),
    prefixes=["TEMPORARY"],
)

# The FTS5 table as SQLAlchemy sees it, for statements that fill it; on a metadata of its own
# because `create_all` must not create it (its DDL is below).
fts_table = sa.Table(
    "directory_mailbox_fts",
    sa.MetaData(),
    sa.Column("rowid", sa.Integer),
    sa.Column("directory_mailbox_fts", sa.Text),
    sa.Column("search_text", sa.Text),
)

# SQLite: a contentless FTS5 index of listed mailboxes only, so that a red-listed entry is absent
# from the index itself. detail=none keeps no positions: queries are AND/OR of word prefixes,
# which need only row ids. The prefix indexes make prefixes of one to six letters (as typed in an
# address book) a single posting-list read. The index is kept in step by `directory.store_fts`, not
# by triggers: FTS5 flushes its pending terms at every statement savepoint, which a trigger
# opens for each row, and that made bulk imports five times slower.
_SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_mailbox_fts USING fts5(search_text, "
    "content='', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 0', "
    "prefix='1 2 3 4 5 6')",
    # Words longer than the indexed prefixes, to turn such a prefix into the words it starts
    # (never pruned: a word no entry has any more costs a lookup that finds nothing).
    "CREATE TABLE IF NOT EXISTS directory_search_word (word TEXT PRIMARY KEY) WITHOUT ROWID",
)
# Longest indexed prefix: FTS5 answers a longer prefix by reading and merging the whole posting
# lists of every word it starts, so searches expand such a prefix into those words instead.
FTS_PREFIX_MAX = 6


# Secondary indexes that a first import into an empty directory builds once at the end (a sort)
# instead of row by row (a random write per row and index).
_DEFERRABLE = (
    "directory_mailbox_ranked", "directory_mailbox_practitioner", "directory_mailbox_organisation",
    "directory_practitioner_family", "directory_organisation_name", "directory_mailbox_search",
)  # fmt: skip


def create_directory_schema(conn: Connection) -> None:
    """Create the directory's tables, indexes and full-text machinery that do not exist yet."""
    metadata.create_all(conn, checkfirst=True)
    create_directory_indexes(conn)
    if conn.dialect.name == "sqlite":
        for statement in _SQLITE_DDL:
            conn.exec_driver_sql(statement)


def create_directory_indexes(conn: Connection) -> None:
    """Create the secondary indexes that are missing (after `drop_deferrable_indexes`)."""
    for table in metadata.sorted_tables:
        for index in table.indexes:
            index.create(conn, checkfirst=True)
    if conn.dialect.name == "postgresql":
        _create_postgresql_search(conn)


def drop_deferrable_indexes(conn: Connection) -> None:
    """Drop the secondary indexes for a bulk load; `create_directory_indexes` restores them."""
    for name in _DEFERRABLE:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def _create_postgresql_search(conn: Connection) -> None:
    """A trigram GIN index on the folded text, which serves ``LIKE '% prefix%'``.

    Folding is done in Python, so `unaccent` is not needed. Without the pg_trgm extension (no
    right to create it) searches stay correct but scan the table.
    """
    schema = _trigram_schema(conn)
    if schema is None:
        log.warning("pg_trgm is not available: directory searches will scan the table")
        return
    opclass = f'"{schema}".gin_trgm_ops'
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS directory_mailbox_search ON directory_mailbox "
        f"USING gin (search_text {opclass}) WHERE listed"
    )


def _trigram_schema(conn: Connection) -> str | None:
    """The schema holding pg_trgm, creating the extension in `public` if it is missing.

    An extension exists once per database; it goes to `public` rather than to whatever schema
    comes first in the search path, which may be a short-lived one.
    """
    find = sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    )
    schema = conn.execute(find).scalar()
    if schema is not None:
        return str(schema)
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    except sa.exc.DBAPIError:
        return None
    schema = conn.execute(find).scalar()
    return None if schema is None else str(schema)
