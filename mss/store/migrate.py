"""Schema migrations (Alembic), run in-process so that no alembic.ini is needed anywhere."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from mss.store.database import Database
from mss.store.errors import SchemaOutOfDate

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(database: Database, revision: str = "head") -> None:
    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    async with database.writer.begin() as conn:
        await conn.run_sync(run)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(database: Database) -> str | None:
    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with database.reader.connect() as conn:
        return await conn.run_sync(read)


async def check_schema(database: Database) -> None:
    """Refuse to run on a database that ``mss init`` has not brought to this version."""
    current, head = await current_revision(database), head_revision()
    if current != head:
        state = "has no schema" if current is None else f"is at schema {current}, not {head}"
        raise SchemaOutOfDate(f"the database {state}: run `mss init` to create or migrate it")
