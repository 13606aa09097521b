"""Streamed, idempotent import of the national extraction.

Implementation notes:
- A worker process reads and validates the file (`directory.import_readers`) while this
  process writes; the pipe between them holds about one batch, so memory stays flat whatever
  the size. The worker is killed if the import stops early.
- Batches are grouped into transactions of `COMMIT_ROWS` rows: a line is written wholly or not
  at all, and other writers of the database wait one transaction at most, never a whole import.
- A first import into an empty directory drops the secondary indexes and builds them, and the
  full-text index, once at the end (a sort instead of a random write per row and index); they
  are rebuilt even if the import fails.
- Retirement of entries the file no longer carries happens only after the whole file was read,
  and only when at least `MIN_VALID_SHARE` of its lines were valid: a truncated or empty
  download, or a body in the wrong encoding (every line rejected), must not empty the
  directory. A failed run leaves what it committed (each row complete and current) and
  retires nothing; the next run finishes the job.
- Rejected lines go to ``on_reject`` as they are found; the report keeps the first
  `KEPT_REJECTIONS`, so a file of a million broken lines costs no memory.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from directory import store, store_import
from directory.errors import ExtractionFormatError
from directory.extraction import COLUMNS, MAX_LINE_BYTES, Header
from directory.import_readers import Reader, open_reader

# Valid lines per batch sent by the worker.
BATCH_SIZE = 5000
# Rows per transaction: large enough that SQLite writes each dirty index page once for many
# rows, small enough that other writers of the same SQLite file (mail delivery) wait about a
# second at most, well under their busy timeout.
COMMIT_ROWS = 20_000
KEPT_REJECTIONS = 1000
# Share of valid lines below which a run retires nothing (issue 14: a Latin-1 body under a
# UTF-8 header once rejected 1,836 lines of 2,000 and retired as many entries).
MIN_VALID_SHARE = 0.95


@dataclass(frozen=True, slots=True)
class Rejection:
    """A line left out of the import, with its number in the file and the rule it broke."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Where an import stands, reported after each batch."""

    bytes_read: int
    total_bytes: int
    lines: int
    rejected: int


@dataclass(slots=True)
class ImportReport:
    """The outcome of one import run."""

    run_id: int
    lines: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    retired: int = 0
    retirement_skipped: bool = False
    seconds: float = 0.0
    rejections: list[Rejection] = field(default_factory=list)


def check_header(path: Path) -> None:
    """Refuse a file whose first line is not the national header, before anything is written."""
    with path.open("rb") as stream:
        first = stream.readline(MAX_LINE_BYTES + 1)
    try:
        Header.parse(first.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ExtractionFormatError("not a national extraction: the header is not UTF-8") from exc


async def import_extraction(
    engine: AsyncEngine,
    path: Path,
    *,
    batch_size: int | None = None,
    on_progress: Callable[[ImportProgress], None] | None = None,
    on_reject: Callable[[Rejection], None] | None = None,
    min_valid_share: float = MIN_VALID_SHARE,
) -> ImportReport:
    """Import one extraction file: add new addresses, update changed ones, retire vanished ones.

    Vanished ones are retired only if at least ``min_valid_share`` of the lines were valid.

    Raises `ExtractionFormatError` before writing anything if the header is not the national
    one.
    """
    started = time.monotonic()
    await asyncio.to_thread(check_header, path)
    total = (await asyncio.to_thread(path.stat)).st_size
    report = ImportReport(run_id=await store.begin_run(engine, str(path)))

    def reject(rejection: Rejection) -> None:
        report.rejected += 1
        if len(report.rejections) < KEPT_REJECTIONS:
            report.rejections.append(rejection)
        if on_reject is not None:
            on_reject(rejection)

    state = store_import.RunState(report.run_id, await store_import.begin_initial_load(engine))
    try:
        async with open_reader(path, batch_size or BATCH_SIZE, total) as reader:
            await _write_all(
                engine, reader, state, report, reject, total, on_progress, min_valid_share
            )
    except BaseException:
        await store.fail_run(engine, report.run_id)
        raise
    finally:
        if state.initial_load:
            async with engine.connect() as conn:
                await store_import.end_initial_load(conn, state)
    counts = {
        "lines": report.lines,
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "retired": report.retired,
    }
    await store.finish_run(engine, report.run_id, counts, done=not report.retirement_skipped)
    report.seconds = time.monotonic() - started
    return report


async def _write_all(
    engine: AsyncEngine,
    reader: Reader,
    state: store_import.RunState,
    report: ImportReport,
    reject: Callable[[Rejection], None],
    total: int,
    on_progress: Callable[[ImportProgress], None] | None,
    min_valid_share: float,
) -> None:
    """Write every batch the reader sends, committing every `COMMIT_ROWS` rows."""
    pending = 0
    async with store_import.bulk_connection(engine) as conn:
        while (batch := await reader.next()) is not None:
            if not conn.in_transaction():
                await conn.begin()
            outcome = await store_import.write_batch(conn, state, batch.lines)
            pending += len(batch.lines)
            if pending >= COMMIT_ROWS:
                await conn.commit()
                pending = 0
            report.lines += batch.lines_read
            report.added += outcome.added
            report.updated += outcome.updated
            report.unchanged += outcome.unchanged
            found = [Rejection(line, reason) for line, reason in batch.rejected]
            found += [
                Rejection(line, f"{COLUMNS['address'][0]}: duplicate of line {first}")
                for line, first in outcome.duplicates
            ]
            for rejection in sorted(found, key=lambda r: r.line):
                reject(rejection)
            if on_progress is not None:
                on_progress(ImportProgress(batch.position, total, report.lines, report.rejected))
        if conn.in_transaction():
            await conn.commit()
        await store_import.end_initial_load(conn, state)
        report.retirement_skipped = not enough_valid(report, min_valid_share)
        if not report.retirement_skipped:
            async with conn.begin():
                report.retired = await store.retire(conn, state.run_id)


def enough_valid(report: ImportReport, min_valid_share: float) -> bool:
    """True if the run read at least one valid line and valid lines reach the share."""
    valid = report.added + report.updated + report.unchanged
    return valid > 0 and valid >= min_valid_share * report.lines
