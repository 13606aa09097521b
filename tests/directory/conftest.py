"""Fixtures of the directory tests: an engine per database (SQLite always, PostgreSQL when
MSS_TEST_POSTGRES_URL is set, in a schema of its own dropped afterwards), the service over it,
and the extraction generator of bench/directory."""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from directory.schema import create_directory_schema
from directory.service import DirectoryService

# The helper modules beside this file (the suite imports in importlib mode).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from directory_rows import RowFactory
from directory_values import PATIENT_DOMAIN

BENCH = Path(__file__).resolve().parents[2] / "bench" / "directory"
POSTGRES_URL = os.environ.get("MSS_TEST_POSTGRES_URL")


def _load_generator() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("directory_bench_generate", BENCH / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def generator() -> ModuleType:
    """bench/directory/generate.py as a module."""
    return _load_generator()


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


async def _sqlite(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'directory.db'}")
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    yield engine
    await engine.dispose()


async def _postgres(url: str) -> AsyncIterator[AsyncEngine]:
    schema = f"directory_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(url)
    async with admin.begin() as conn:
        await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = create_async_engine(url, connect_args={"server_settings": {"search_path": schema}})
    try:
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(POSTGRES_URL is None, reason="MSS_TEST_POSTGRES_URL unset"),
        ),
    ]
)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An empty database with the directory's schema."""
    source = _sqlite(tmp_path) if request.param == "sqlite" else _postgres(str(POSTGRES_URL))
    async for created in source:
        async with created.begin() as conn:
            await conn.run_sync(create_directory_schema)
        yield created


@pytest.fixture
def service(engine: AsyncEngine) -> DirectoryService:
    """The directory service over ``engine``, with one patient domain."""
    return DirectoryService(engine, [PATIENT_DOMAIN])


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, list[str]], Path]:
    """Write an extraction with the given header columns and lines (fields joined by |)."""

    def write(name: str, lines: list[str]) -> Path:
        path = tmp_path / name
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return path

    return write


@pytest.fixture
def rows(generator: ModuleType) -> RowFactory:
    """A factory of valid extraction lines."""
    return RowFactory(generator)
