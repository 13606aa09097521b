"""The migrations build exactly the schema the code declares, on every backend."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text

from mss.runtime import Runtime
from mss.store.migrate import alembic_config, upgrade
from mss.store.records import AccountKind
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


async def test_subscriptions_migration_keeps_what_was_subscribed(runtime: Runtime) -> None:
    """0016 moves the old per-mailbox flag into the subscriptions list, and back."""
    await runtime.store.add_domain("hopital.example")
    created = await runtime.accounts.create_account(
        "a@hopital.example", AccountKind.PROFESSIONAL, "correct horse battery"
    )
    account_id = created.account.id
    await runtime.store.create_mailbox(account_id, "Gardé")
    await runtime.store.create_mailbox(account_id, "Lâché")

    def down(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "0023")

    async with runtime.database.writer.begin() as conn:
        await conn.run_sync(down)
        await conn.execute(
            text("UPDATE mailboxes SET subscribed = :no WHERE name = :name"),
            {"no": False, "name": "Lâché"},
        )
    await upgrade(runtime.database)
    names = await runtime.store.subscriptions(account_id)
    assert "Gardé" in names and "INBOX" in names and "Lâché" not in names
