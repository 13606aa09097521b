"""The migrations build exactly the schema the code declares, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from mss.runtime import Runtime
from mss.store.migrate import upgrade
from mss.store.tables import metadata


async def test_migrated_schema_matches_the_declared_one(runtime: Runtime) -> None:
    def differences(connection: Connection) -> list[object]:
        """The mail store's tables against its metadata; the directory's own tables (and its
        full-text machinery) are created by its DDL and checked by its tests."""

        def ours(name: str | None, kind: str, parent: dict[str, str | None]) -> bool:
            return not (kind == "table" and (name or "").startswith("directory_"))

        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": ours}
        )
        return list(compare_metadata(context, metadata))

    async with runtime.database.reader.connect() as conn:
        assert await conn.run_sync(differences) == []


async def test_upgrade_twice_is_harmless(runtime: Runtime) -> None:
    await upgrade(runtime.database)
    await runtime.store.add_domain("still-works.example")
    assert await runtime.store.get_domain("still-works.example") is not None
