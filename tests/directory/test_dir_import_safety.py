"""Issue 14 item 2: an import changes the directory wholly or not at all.

Each bad file below carries valid lines that would add, update and retire entries; the
directory must still be exactly as before (a full dump of its tables compared), on both
stores, and the ``mss directory import`` process must exit 1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from directory_rows import RowFactory
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from directory.importer import Outcome
from directory.schema import import_run, mailbox, organisation, practitioner
from directory.service import DirectoryService

Rows = list[dict[str, str]]


async def dump(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the directory's tables, and on SQLite what the full-text index finds."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    async with engine.connect() as conn:
        for table in (mailbox, practitioner, organisation):
            ordered = sa.select(table).order_by(*table.primary_key.columns)
            tables[table.name] = [tuple(row) for row in await conn.execute(ordered)]
        if conn.dialect.name == "sqlite":
            found = await conn.exec_driver_sql(
                "SELECT rowid FROM directory_mailbox_fts WHERE directory_mailbox_fts MATCH 'r*' "
                "ORDER BY rowid"
            )
            tables["fts"] = [tuple(row) for row in found]
    return tables


def _people(rows: RowFactory) -> Rows:
    return [
        rows.person("Hélène", f"Roux{n}", city="Saint-Étienne", postcode="42000") for n in range(40)
    ]


def _next_file(rows: RowFactory, people: Rows) -> Rows:
    """What a real next day's file would say: one entry gone (the third), one changed, two new."""
    changed = dict(people[1], **{"Prénom d'exercice": "Hélèna"})
    return [people[0], changed, *people[3:], rows.person("Zoé", "Rivière"), rows.person("A", "B")]


def mixed_encoding(rows: RowFactory, people: Rows) -> bytes:
    """The case the issue found: a UTF-8 header over a Latin-1 body."""
    header, body = rows.text(_next_file(rows, people)).split("\n", 1)
    return header.encode("utf-8") + b"\n" + body.encode("latin-1")


def header_only(rows: RowFactory, people: Rows) -> bytes:
    return rows.text([]).encode("utf-8")


def mostly_bad(rows: RowFactory, people: Rows) -> bytes:
    header, body = rows.text(_next_file(rows, people)[:10]).split("\n", 1)
    broken = "".join(f"PER|broken{n}@x.fr|8|1|\n" for n in range(30))
    return (header + "\n" + body + broken).encode("utf-8")


def truncated(rows: RowFactory, people: Rows) -> bytes:
    """Every line whole and valid but the last, cut inside a field: 97 % valid."""
    data = rows.text(_next_file(rows, people)).encode("utf-8")
    return data[: data.rindex(b"|", 0, len(data) - 40)]


BAD_FILES = [mixed_encoding, header_only, mostly_bad, truncated]


async def _imported(service: DirectoryService, rows: RowFactory, tmp_path: Path) -> Rows:
    people = _people(rows)
    path = tmp_path / "day1.txt"
    path.write_text(rows.text(people), encoding="utf-8")
    report = await service.import_file(path)
    assert report.applied and report.added == 40
    return people


@pytest.mark.parametrize("make", BAD_FILES, ids=lambda make: make.__name__)
async def test_a_bad_file_changes_nothing(
    service: DirectoryService, rows: RowFactory, tmp_path: Path, make: Any
) -> None:
    people = await _imported(service, rows, tmp_path)
    before = await dump(service.engine)
    path = tmp_path / "day2.txt"
    path.write_bytes(make(rows, people))

    report = await service.import_file(path)

    assert not report.applied
    assert report.outcome in (Outcome.TOO_FEW_VALID, Outcome.TRUNCATED)
    assert await dump(service.engine) == before
    found = await service.search("roux2", limit=50)
    assert people[2]["Adresse BAL"] in [e.address for e in found.entries]
    async with service.engine.connect() as conn:
        statuses = (await conn.execute(sa.select(import_run.c.status))).scalars().all()
    assert statuses == ["done", report.outcome.value]


async def test_truncated_file_is_reported_as_such(
    service: DirectoryService, rows: RowFactory, tmp_path: Path
) -> None:
    people = await _imported(service, rows, tmp_path)
    path = tmp_path / "cut.txt"
    path.write_bytes(truncated(rows, people))
    report = await service.import_file(path)
    assert report.outcome is Outcome.TRUNCATED and report.truncated
    # Valid lines are above the share: only the cut makes the run refuse.
    assert report.rejected == 1 and report.added == 1 and report.retired == 1
    assert "the file ends inside this line" in report.rejections[-1].reason


async def test_latin1_lines_are_named_with_their_byte(
    service: DirectoryService, rows: RowFactory, tmp_path: Path
) -> None:
    people = await _imported(service, rows, tmp_path)
    path = tmp_path / "latin1.txt"
    path.write_bytes(mixed_encoding(rows, people))
    report = await service.import_file(path)
    first = report.rejections[0]
    assert first.line == 2
    assert first.reason.startswith("line: not valid UTF-8 at byte ")
    assert "0xC9, 'É' in Latin-1" in first.reason or "0xE9, 'é' in Latin-1" in first.reason


async def test_dry_run_reports_the_changes_and_writes_nothing(
    service: DirectoryService, rows: RowFactory, tmp_path: Path
) -> None:
    people = await _imported(service, rows, tmp_path)
    before = await dump(service.engine)
    path = tmp_path / "day2.txt"
    path.write_text(rows.text(_next_file(rows, people)), encoding="utf-8")

    report = await service.import_file(path, dry_run=True)

    assert report.outcome is Outcome.DRY_RUN
    assert (report.added, report.updated, report.unchanged, report.retired) == (2, 1, 38, 1)
    assert report.sample.updated == [people[1]["Adresse BAL"]]
    assert report.sample.retired == [people[2]["Adresse BAL"]]
    assert len(report.sample.added) == 2
    assert await dump(service.engine) == before
    async with service.engine.connect() as conn:
        assert (
            await conn.execute(sa.select(sa.func.count()).select_from(import_run))
        ).scalar() == 1

    applied = await service.import_file(path)
    assert applied.applied
    assert (applied.added, applied.updated, applied.retired) == (2, 1, 1)
    assert await dump(service.engine) != before


def _mss(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSS_")}
    env["MSS_DATABASE_URL"] = url
    env["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "mss", "directory", "import", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


async def test_the_mss_command_exits_1_and_changes_nothing(
    database_url: str, rows: RowFactory, tmp_path: Path
) -> None:
    people = _people(rows)
    day1 = tmp_path / "day1.txt"
    day1.write_text(rows.text(people), encoding="utf-8")
    first = _mss(database_url, str(day1))
    assert first.returncode == 0, first.stdout + first.stderr
    engine = create_async_engine(database_url)
    try:
        before = await dump(engine)
        for make in BAD_FILES:
            path = tmp_path / f"{make.__name__}.txt"
            path.write_bytes(make(rows, people))
            refused = _mss(database_url, str(path))
            assert refused.returncode == 1, (make.__name__, refused.stdout, refused.stderr)
            assert "nothing was changed" in refused.stdout
            assert await dump(engine) == before, make.__name__

        good = tmp_path / "day2.txt"
        good.write_text(rows.text(_next_file(rows, people)), encoding="utf-8")
        dry = _mss(database_url, str(good), "--dry-run")
        assert dry.returncode == 0, dry.stdout + dry.stderr
        assert "2 would be added, 1 would be updated" in dry.stdout
        assert "1 would be retired" in dry.stdout and people[2]["Adresse BAL"] in dry.stdout
        assert await dump(engine) == before
    finally:
        await engine.dispose()
