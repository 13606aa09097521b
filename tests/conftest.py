"""Fixtures shared by every test: a real store on SQLite, and on PostgreSQL when
``MSS_TEST_POSTGRES_URL`` is set (each test then gets a database of its own, dropped after)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from mss.config import Settings
from mss.runtime import Runtime
from mss.store.migrate import upgrade
from mss.store.pgnotify import asyncpg_dsn
from support import make_settings

POSTGRES_URL = os.environ.get("MSS_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'mss.db'}"
        return
    name = f"mss_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(asyncpg_dsn(POSTGRES_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = POSTGRES_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    admin = await asyncpg.connect(asyncpg_dsn(POSTGRES_URL))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    opened = await Runtime.open(settings)
    await upgrade(opened.database)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def canary() -> str:
    return f"CANARY{uuid.uuid4().hex.upper()}"
