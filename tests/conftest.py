"""Fixtures shared by every test: a real store on SQLite, and on PostgreSQL when
``MSS_TEST_POSTGRES_URL`` is set (each test then gets a database of its own, dropped after).

The migrations run once per test process, into a template (a SQLite file, a PostgreSQL template
database) that each test's database is copied from: running them for each of the thousand tests
cost minutes. tests/store/test_migrations.py still checks what they build.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from hypothesis import settings as hypothesis_settings

from mss.config import Settings
from mss.runtime import Runtime
from mss.store.database import open_database
from mss.store.migrate import upgrade
from mss.store.pgnotify import asyncpg_dsn
from support import make_settings

# Property tests check what is parsed, not how fast: two test processes share two cores with
# Chromium and PostgreSQL, and Hypothesis's default 200 ms deadline per example failed on that.
hypothesis_settings.register_profile("mss", deadline=None)
hypothesis_settings.load_profile("mss")

POSTGRES_URL = os.environ.get("MSS_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def _migrate(url: str) -> None:
    database = open_database(url)
    try:
        await upgrade(database)
    finally:
        await database.dispose()


async def _admin(statement: str) -> None:
    admin = await asyncpg.connect(asyncpg_dsn(POSTGRES_URL))
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "mss.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    assert not path.with_name("mss.db-wal").exists(), "the template is one self-contained file"
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    if not POSTGRES_URL:
        yield ""
        return
    name = f"mss_template_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    asyncio.run(_migrate(f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"))
    yield name
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def database_url(
    backend: str, tmp_path: Path, sqlite_template: Path, postgres_template: str
) -> AsyncIterator[str]:
    """A migrated database of the test's own, copied from the process's template."""
    if backend == "sqlite":
        shutil.copyfile(sqlite_template, tmp_path / "mss.db")
        yield f"sqlite+aiosqlite:///{tmp_path / 'mss.db'}"
        return
    name = f"mss_test_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    opened = await Runtime.open(settings)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def canary() -> str:
    return f"CANARY{uuid.uuid4().hex.upper()}"
