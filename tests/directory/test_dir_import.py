"""Import of the national extraction: rejected lines, idempotent re-import, retirement."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from directory_rows import RowFactory

from directory import import_readers, importer, store_import
from directory.errors import ExtractionFormatError
from directory.importer import ImportProgress, Rejection
from directory.schema import (
    create_directory_schema,
    import_run,
    mailbox,
    organisation,
    practitioner,
)
from directory.service import DirectoryService

KEYS = (b"\x01" * 32, b"\x02" * 32)


async def _count(service: DirectoryService, table: sa.Table) -> int:
    async with service.engine.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one())


async def test_generated_file_good_lines_in_broken_lines_reported(
    service: DirectoryService, generator: ModuleType, tmp_path: Path
) -> None:
    path = tmp_path / "Extraction_Correspondance_MSSante_202611230000.txt"
    stats = generator.write_extraction(path, 3000, broken_share=0.05, seed=7)
    broken = sum(stats.broken.values())
    progress: list[ImportProgress] = []
    streamed: list[Rejection] = []
    report = await service.import_file(path, progress.append, streamed.append)

    assert report.lines == 3000
    assert report.rejected == broken and report.added == 3000 - broken
    assert streamed == report.rejections
    assert progress[-1].bytes_read == path.stat().st_size
    assert all(r.line >= 2 for r in report.rejections)
    reasons = [r.reason for r in report.rejections]
    assert sum("duplicate of line" in r for r in reasons) == stats.broken["duplicate"]
    assert (
        sum(r.startswith("line: not valid UTF-8 at byte") for r in reasons) == stats.broken["utf8"]
    )
    assert sum("fields where the header has" in r for r in reasons) == stats.broken["field-count"]
    assert sum("Type de BAL: 'XYZ'" in r for r in reasons) == stats.broken["mailbox-type"]
    # Nothing half-written: every mailbox is there with its practitioner and structure.
    assert await _count(service, mailbox) == report.added
    async with service.engine.connect() as conn:
        dangling = await conn.execute(
            sa.select(sa.func.count())
            .select_from(mailbox.outerjoin(organisation))
            .where(mailbox.c.organisation_id.is_not(None), organisation.c.national_id.is_(None))
        )
        assert dangling.scalar_one() == 0
        people = await conn.execute(
            sa.select(sa.func.count(sa.distinct(mailbox.c.practitioner_id)))
        )
        assert people.scalar_one() == await _count(service, practitioner)

    again = await service.import_file(path)
    assert (again.added, again.updated, again.retired) == (0, 0, 0)
    assert again.unchanged == report.added
    assert [r.reason for r in again.rejections] == reasons


async def test_reimport_updates_changed_rows_and_retires_vanished_ones(
    service: DirectoryService, rows: RowFactory, tmp_path: Path
) -> None:
    people = [rows.person("Jean", f"Martin{n}") for n in range(5)]
    services = [rows.service("Service de cardiologie", "CHU de Lyon", "Lyon", "69003")]
    first = tmp_path / "first.txt"
    first.write_text(rows.text(people + services), encoding="utf-8")
    report = await service.import_file(first)
    assert (report.added, report.updated, report.unchanged, report.retired) == (6, 0, 0, 0)

    moved = dict(people[1], **{"L6LIGNEACHEMINEMENT structure BAL": "42000 SAINT-ÉTIENNE"})
    newcomer = rows.person("Élodie", "Durand")
    second = tmp_path / "second.txt"
    second.write_text(rows.text([people[0], moved, *people[3:], *services, newcomer]), "utf-8")
    report = await service.import_file(second)
    assert (report.added, report.updated, report.unchanged, report.retired) == (1, 1, 4, 1)
    assert await service.resolve(people[2]["Adresse BAL"]) is None
    found = await service.search("martin1 saint-etienne")
    assert [e.address for e in found.entries] == [people[1]["Adresse BAL"]]
    assert (await service.search("martin1 lyon")).entries == ()

    again = await service.import_file(second)
    assert (again.added, again.updated, again.unchanged, again.retired) == (0, 0, 6, 0)
    assert await _count(service, practitioner) == 5


async def test_local_account_is_kept_when_the_national_file_drops_it(
    service: DirectoryService, rows: RowFactory, tmp_path: Path
) -> None:
    person = rows.person("Hélène", "Roux")
    await service.publish_local_account(person["Adresse BAL"], "professional", "H. Roux", *KEYS)
    path = tmp_path / "with.txt"
    path.write_text(rows.text([person]), encoding="utf-8")
    report = await service.import_file(path)
    assert report.updated == 1
    entry = await service.resolve(person["Adresse BAL"])
    assert entry is not None and entry.national and entry.local
    assert entry.display_name == "Hélène Roux" and entry.encryption_key == KEYS[0]

    other = tmp_path / "without.txt"
    other.write_text(rows.text([rows.person("Paul", "Simon")]), encoding="utf-8")
    report = await service.import_file(other)
    assert report.retired == 1
    kept = await service.resolve(person["Adresse BAL"])
    assert kept is not None and kept.local and not kept.national
    assert kept.practitioner is None and kept.signing_key == KEYS[1]


async def test_a_file_without_valid_lines_retires_nothing(
    service: DirectoryService, rows: RowFactory, tmp_path: Path
) -> None:
    path = tmp_path / "full.txt"
    path.write_text(rows.text([rows.person("Jean", "Martin")]), encoding="utf-8")
    await service.import_file(path)
    empty = tmp_path / "empty.txt"
    empty.write_text(rows.text([]), encoding="utf-8")
    report = await service.import_file(empty)
    assert not report.applied
    assert await _count(service, mailbox) == 1


async def test_a_latin1_body_under_a_utf8_header_retires_nothing(
    service: DirectoryService, rows: RowFactory, tmp_path: Path
) -> None:
    people = [rows.person("Hélène", f"Roux{n}") for n in range(20)]
    good = tmp_path / "good.txt"
    good.write_text(rows.text(people), encoding="utf-8")
    await service.import_file(good)
    header, body = rows.text(people).split("\n", 1)
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes(header.encode("utf-8") + b"\n" + body.encode("latin-1"))
    report = await service.import_file(mixed)
    assert report.rejected == 20 and not report.applied
    assert [r.line for r in report.rejections] == list(range(2, 22))
    assert await _count(service, mailbox) == 20
    entry = await service.resolve(people[0]["Adresse BAL"])
    assert entry is not None and entry.national


async def test_retirement_needs_the_valid_share(
    service: DirectoryService, rows: RowFactory, tmp_path: Path
) -> None:
    people = [rows.person("Jean", f"Martin{n}") for n in range(20)]
    full = tmp_path / "full.txt"
    full.write_text(rows.text(people), encoding="utf-8")
    await service.import_file(full)
    header, body = rows.text(people[:10]).split("\n", 1)
    broken = "".join(f"{n}|broken|\n" for n in range(2))
    short = tmp_path / "short.txt"
    short.write_text(header + "\n" + body + broken, encoding="utf-8")
    # 10 valid lines of 12 (83 %): under the default share nothing changes...
    refused = await service.import_file(short)
    assert not refused.applied and refused.retired == 10
    assert await _count(service, mailbox) == 20
    # ...and with a lower share configured the ten vanished entries go.
    accepted = await service.import_file(short, min_valid_share=0.8)
    assert accepted.applied and accepted.retired == 10


async def test_a_file_that_is_not_an_extraction_writes_nothing(
    service: DirectoryService, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("name|mail|\nJean|jean@x.fr|\n", encoding="utf-8")
    with pytest.raises(ExtractionFormatError, match="missing column"):
        await service.import_file(path)
    assert await _count(service, import_run) == 0


async def test_red_list_survives_reimport(
    service: DirectoryService, rows: RowFactory, tmp_path: Path
) -> None:
    person = rows.person("Secret", "Dupont")
    changed = dict(person, **{"Prénom d'exercice": "Secrète"})
    path = tmp_path / "a.txt"
    path.write_text(rows.text([person]), encoding="utf-8")
    await service.import_file(path)
    assert await service.set_listed(person["Adresse BAL"], False)
    path.write_text(rows.text([changed]), encoding="utf-8")
    report = await service.import_file(path)
    assert report.updated == 1
    entry = await service.resolve(person["Adresse BAL"])
    assert entry is not None and not entry.listed and entry.display_name == "Secrète Dupont"
    assert (await service.search("dupont")).entries == ()
    assert await service.set_listed(person["Adresse BAL"], True)
    assert [e.address for e in (await service.search("secrete")).entries] == [person["Adresse BAL"]]


async def test_a_failed_import_changes_nothing_and_keeps_its_indexes(
    service: DirectoryService, rows: RowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.txt"
    path.write_text(rows.text([rows.person("Jean", f"Martin{n}") for n in range(30)]), "utf-8")
    real = store_import.write_batch
    calls = 0

    async def failing(*args: Any) -> store_import.BatchOutcome:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk full")
        return await real(*args)

    monkeypatch.setattr(import_readers, "INLINE_BYTES", 0)  # the worker process, killed early
    monkeypatch.setattr(importer, "BATCH_SIZE", 10)
    monkeypatch.setattr(store_import, "write_batch", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        await service.import_file(path)
    async with service.engine.connect() as conn:
        status = await conn.execute(sa.select(import_run.c.status))
        assert status.scalars().all() == ["failed"]
        indexes = await conn.run_sync(
            lambda sync: {i["name"] for i in sa.inspect(sync).get_indexes("directory_mailbox")}
        )
    assert "directory_mailbox_ranked" in indexes
    assert await _count(service, mailbox) == 0

    monkeypatch.setattr(store_import, "write_batch", real)
    report = await service.import_file(path)
    assert (report.added, report.unchanged) == (30, 0)


async def test_schema_creation_is_idempotent(service: DirectoryService) -> None:
    for _ in range(2):
        async with service.engine.begin() as conn:
            await conn.run_sync(create_directory_schema)


async def test_several_reader_processes_give_the_same_import_as_one_thread(
    engine: Any, generator: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "Extraction_Correspondance_MSSante_202611230000.txt"
    generator.write_extraction(path, 1500, broken_share=0.05, seed=11)
    single = await DirectoryService(engine, ()).import_file(path, dry_run=True)
    assert single.rejected > 10
    # Chunks of a few lines dealt to three processes, read back in file order.
    monkeypatch.setattr(import_readers, "INLINE_BYTES", 0)
    monkeypatch.setattr(import_readers, "CHUNK_BYTES", 7001)
    monkeypatch.setattr(import_readers, "WORKERS", 3)
    parallel = await DirectoryService(engine, ()).import_file(path)
    assert parallel.applied and parallel.lines == single.lines == 1500
    assert parallel.rejections == single.rejections
    assert (parallel.added, parallel.rejected) == (single.added, single.rejected)
    assert await _count(DirectoryService(engine, ()), mailbox) == single.added
