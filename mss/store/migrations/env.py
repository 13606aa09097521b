"""Alembic environment: always run through :func:`mss.store.migrate.upgrade`, which passes the
connection in, so the same migrations run on SQLite and PostgreSQL from ``mss init``."""

from alembic import context

from mss.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `mss init` or mss.store.migrate.upgrade()")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
