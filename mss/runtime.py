"""Assembling the server's parts from one :class:`~mss.config.Settings`.

Every front-end (CLI, SMTP, IMAP, web) receives this object instead of building its own pieces,
so there is exactly one store, one change feed and one account service per process.
"""

from __future__ import annotations

from dataclasses import dataclass

from crypto import Argon2Params
from mss.accounts import AccountService
from mss.config import Settings
from mss.store.changes import ChangeFeed
from mss.store.database import Database, open_database
from mss.store.repository import SqlStore

ARGON2_LEVELS = {
    "minimum": Argon2Params.minimum,
    "interactive": Argon2Params.interactive,
    "moderate": Argon2Params.moderate,
}


@dataclass(slots=True)
class Runtime:
    settings: Settings
    database: Database
    feed: ChangeFeed
    store: SqlStore
    accounts: AccountService

    @classmethod
    async def open(cls, settings: Settings) -> Runtime:
        database = open_database(settings.effective_database_url)
        feed = make_feed(database)
        await feed.start()
        store = SqlStore(database, feed)
        accounts = AccountService(
            store,
            ARGON2_LEVELS[settings.security.argon2](),
            settings.security.unlock_concurrency,
        )
        return cls(settings, database, feed, store, accounts)

    async def close(self) -> None:
        await self.store.close()
        await self.feed.stop()
        await self.database.dispose()


def make_feed(database: Database) -> ChangeFeed:
    if database.is_postgres:
        from mss.store.pgnotify import PostgresChangeFeed

        return PostgresChangeFeed(database.url)
    return ChangeFeed()
