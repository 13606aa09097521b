"""Streamed, all-or-nothing import of the national extraction.

Implementation notes:
- A worker process reads and validates the file (`directory.import_readers`) while this
  process writes; the pipe between them holds about one batch, so memory stays flat whatever
  the size. The worker is killed if the import stops early.
- The whole run is one transaction (issue 14 item 2): its changes become visible together, and
  only if the run read the file to its end, the last line was not cut short, and at least
  `MIN_VALID_SHARE` of the lines were valid. Otherwise the transaction is rolled back and the
  directory is exactly as it was, valid lines included: a Latin-1 body under a UTF-8 header
  (every line rejected) or a truncated download must not half-apply. A dry run takes the same
  path and always rolls back, so its counts are the ones a real run would give. PostgreSQL
  readers keep seeing the previous directory meanwhile; on SQLite (WAL) readers do too, and
  other writers wait for the commit.
- A first import into an empty directory drops the secondary indexes and builds them, and the
  full-text index, once at the end (a sort instead of a random write per row and index); DDL is
  transactional on both databases, so a rollback restores them too.
- Rejected lines go to ``on_reject`` as they are found; the report keeps the first
  `KEPT_REJECTIONS`, so a file of a million broken lines costs no memory.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from directory import store, store_import
from directory.errors import ExtractionFormatError
from directory.extraction import COLUMNS, MAX_LINE_BYTES, Header
from directory.import_readers import Reader, open_reader

# Valid lines per batch sent by the worker.
BATCH_SIZE = 5000
KEPT_REJECTIONS = 1000
# Share of valid lines below which a run changes nothing (issue 14: a Latin-1 body under a
# UTF-8 header once rejected 1,836 lines of 2,000 and retired as many entries).
MIN_VALID_SHARE = 0.95


class Outcome(Enum):
    """How a run ended: applied, or rolled back and why."""

    APPLIED = "done"
    DRY_RUN = "dry-run"
    TOO_FEW_VALID = "refused"
    TRUNCATED = "truncated"


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
    """The outcome of one import run; when ``outcome`` is not APPLIED the counts say what the
    run would have done, and nothing was written."""

    run_id: int
    lines: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    retired: int = 0
    outcome: Outcome = Outcome.APPLIED
    truncated: bool = False
    seconds: float = 0.0
    rejections: list[Rejection] = field(default_factory=list)
    sample: store_import.ChangeSample = field(default_factory=store_import.ChangeSample)

    @property
    def applied(self) -> bool:
        """Whether the run's changes were committed."""
        return self.outcome is Outcome.APPLIED


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
    dry_run: bool = False,
) -> ImportReport:
    """Import one extraction file: add new addresses, update changed ones, retire vanished ones.

    All of it or nothing: see the module's notes. Raises `ExtractionFormatError` before writing
    anything if the header is not the national one.
    """
    started = time.monotonic()
    await asyncio.to_thread(check_header, path)
    total = (await asyncio.to_thread(path.stat)).st_size
    report = ImportReport(run_id=0)

    def reject(rejection: Rejection) -> None:
        report.rejected += 1
        if len(report.rejections) < KEPT_REJECTIONS:
            report.rejections.append(rejection)
        if on_reject is not None:
            on_reject(rejection)

    try:
        async with store_import.bulk_connection(engine) as conn:
            transaction = await conn.begin()
            try:
                report.run_id = await store_import.open_run(conn, str(path))
                state = store_import.RunState(
                    report.run_id, await store_import.begin_initial_load(conn)
                )
                async with open_reader(path, batch_size or BATCH_SIZE, total) as reader:
                    await _write_all(conn, reader, state, report, reject, total, on_progress)
                await store_import.end_initial_load(conn, state)
                report.outcome = _decide(report, min_valid_share, dry_run)
                report.retired = await store.retire(
                    conn, report.run_id, report.sample.retired, store_import.SAMPLE_SIZE
                )
                if report.outcome is Outcome.APPLIED:
                    await store_import.close_run(conn, report.run_id, _counts(report), "done")
                    await transaction.commit()
                else:
                    await transaction.rollback()
            finally:
                if transaction.is_active:
                    await transaction.rollback()
    except BaseException:
        await _record(engine, path, report, "failed")
        raise
    if report.outcome is not Outcome.DRY_RUN and not report.applied:
        await _record(engine, path, report, report.outcome.value)
    report.seconds = time.monotonic() - started
    return report


def _decide(report: ImportReport, min_valid_share: float, dry_run: bool) -> Outcome:
    if report.truncated:
        return Outcome.TRUNCATED
    if not enough_valid(report, min_valid_share):
        return Outcome.TOO_FEW_VALID
    return Outcome.DRY_RUN if dry_run else Outcome.APPLIED


def _counts(report: ImportReport) -> dict[str, int]:
    return {
        "lines": report.lines,
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "retired": report.retired,
    }


async def _record(engine: AsyncEngine, path: Path, report: ImportReport, status: str) -> None:
    """Keep a trace of a run that changed nothing, in a transaction of its own."""
    async with engine.begin() as conn:
        report.run_id = await store_import.open_run(conn, str(path))
        await store_import.close_run(conn, report.run_id, _counts(report), status)


async def _write_all(
    conn: AsyncConnection,
    reader: Reader,
    state: store_import.RunState,
    report: ImportReport,
    reject: Callable[[Rejection], None],
    total: int,
    on_progress: Callable[[ImportProgress], None] | None,
) -> None:
    """Write every batch the reader sends, within the run's transaction."""
    while (batch := await reader.next()) is not None:
        outcome = await store_import.write_batch(conn, state, batch.lines, report.sample)
        report.lines += batch.lines_read
        report.added += outcome.added
        report.updated += outcome.updated
        report.unchanged += outcome.unchanged
        report.truncated = report.truncated or batch.truncated
        found = [Rejection(line, reason) for line, reason in batch.rejected]
        found += [
            Rejection(line, f"{COLUMNS['address'][0]}: duplicate of line {first}")
            for line, first in outcome.duplicates
        ]
        for rejection in sorted(found, key=lambda r: r.line):
            reject(rejection)
        if on_progress is not None:
            on_progress(ImportProgress(batch.position, total, report.lines, report.rejected))


def enough_valid(report: ImportReport, min_valid_share: float) -> bool:
    """True if the run read at least one valid line and valid lines reach the share."""
    valid = report.added + report.updated + report.unchanged
    return valid > 0 and valid >= min_valid_share * report.lines
