"""The professional directory: its tables, indexes and full-text search (FTS5 on SQLite,
pg_trgm on PostgreSQL), created by the directory's own idempotent DDL.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

from directory.schema import create_directory_schema, metadata

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_directory_schema(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("DROP TABLE IF EXISTS directory_mailbox_fts")
        bind.exec_driver_sql("DROP TABLE IF EXISTS directory_search_word")
    metadata.drop_all(bind, checkfirst=True)
