"""Benchmark of the directory: import of a large extraction, then search latency.

    python bench/directory/run.py [--rows 1000000] [--queries 2000] [--postgres-queries 500]
                                  [--file PATH] [--db PATH] [--no-search]

Generates the extraction under /tmp unless --file is given, imports it into a fresh SQLite
database (WAL) and, when MSS_TEST_POSTGRES_URL is set, into a fresh PostgreSQL schema; prints
import time, peak memory (this process, and the reader processes it starts), CPU seconds of the
whole process tree and the time of a second, unchanged import, each with the load average
beside it (the machine is shared), then (unless --no-search) search latency p50/p99 over a mix
of realistic queries (names, given names, prefixes as typed, cities, postcodes, specialties,
several words, structures).

With --db, the SQLite database is kept at PATH: a first run imports into it, later runs only
time the searches (to profile and tune the search without importing a million lines again).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write_extraction
from names import CITIES, GIVEN_FEMALE, GIVEN_MALE, SURNAMES

from directory.schema import create_directory_schema
from directory.service import DirectoryService

WARM_UP = 200


def query_mix(count: int, seed: int = 5) -> list[str]:
    """Queries as people type them in an address book, weighted toward the frequent ones."""
    rng = random.Random(seed)
    given = GIVEN_FEMALE + GIVEN_MALE
    kinds = [
        lambda: rng.choice(SURNAMES),
        lambda: rng.choice(SURNAMES).lower()[: rng.randint(2, 5)],
        lambda: rng.choice(given),
        lambda: f"{rng.choice(given)} {rng.choice(SURNAMES)}",
        lambda: f"{rng.choice(SURNAMES)} cardio {rng.choice(CITIES)[0]}",
        lambda: f"{rng.choice(SURNAMES)} {rng.choice(CITIES)[0]}",
        lambda: rng.choice(CITIES)[0],
        lambda: rng.choice(CITIES)[1],
        lambda: rng.choice(["pédiatrie", "psychiatre", "kiné", "infirmier", "sage-femme"]),
        lambda: f"pharmacie {rng.choice(CITIES)[0]}",
        lambda: rng.choice(["chu", "st-etienne", "clinique", "ehpad", "laboratoire"]),
        lambda: rng.choice(["e", "m", "ma", "du", "st", "sainte"]),
        # The cases of issue 14: civility, profession nouns, particles, "st", hyphenated names.
        lambda: f"dr {rng.choice(SURNAMES)} {rng.choice(CITIES)[0]}",
        lambda: rng.choice(["pédiatre", "cardiologue", "généraliste", "kiné"]),
        lambda: rng.choice(["st etienne", "legoff", "le goff", "de la tour", "jean-pierre martin"]),
        lambda: f"{rng.randint(1, 99)} rue de la république {rng.choice(CITIES)[0]}",
    ]
    return [rng.choice(kinds)() for _ in range(count)]


def _sqlite_pragmas(connection: Any, _record: object) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@asynccontextmanager
async def sqlite_engine(database: Path) -> AsyncIterator[AsyncEngine]:
    """The SQLite database at ``database`` (created if absent) in WAL mode."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{database}")
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    try:
        yield engine
    finally:
        await engine.dispose()


@asynccontextmanager
async def postgres_engine(url: str) -> AsyncIterator[AsyncEngine]:
    """A fresh schema of the PostgreSQL database at ``url``, dropped afterwards."""
    schema = f"directory_bench_{uuid.uuid4().hex[:8]}"
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


def _high_water_mib(pid: int | str) -> float:
    """A process's peak resident memory (VmHWM), 0 if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds() -> tuple[float, float]:
    """User + system CPU seconds of this process and of its finished children."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def _children_peak_mib(parent: str) -> dict[str, float]:
    """Peak RSS of each live child process, by pid."""
    peaks: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == parent:
            peaks[entry.name] = _high_water_mib(entry.name)
    return peaks


async def watch_children(peaks: dict[str, float]) -> None:
    """Record the peak memory of each child of this process (the import's readers) until
    cancelled; their sum bounds the readers' share of the tree's peak from above.

    Read from /proc while they run: a child's own getrusage figure would also count the parent
    image it was forked from.
    """
    me = str(os.getpid())
    while True:
        for pid, peak in (await asyncio.to_thread(_children_peak_mib, me)).items():
            peaks[pid] = max(peaks.get(pid, 0.0), peak)
        await asyncio.sleep(0.5)


async def measure(label: str, engine: AsyncEngine, path: Path | None, queries: list[str]) -> None:
    """Import ``path`` twice (unless None: the database is filled already) and time
    ``queries`` (if any); print the figures."""
    service = DirectoryService(engine, ())
    if path is not None:
        await measure_import(label, engine, service, path)
    if queries:
        await measure_search(label, service, queries)


async def measure_import(
    label: str, engine: AsyncEngine, service: DirectoryService, path: Path
) -> None:
    """Import ``path`` into an empty database, then again unchanged; print the figures."""
    async with engine.begin() as conn:
        await conn.run_sync(create_directory_schema)
    peaks: dict[str, float] = {}
    watcher = asyncio.create_task(watch_children(peaks))
    cpu_before = _cpu_seconds()
    report = await service.import_file(path)
    watcher.cancel()
    cpu_after = _cpu_seconds()
    own_cpu, reader_cpu = cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]
    print(
        f"[{label}] import: {report.lines} lines in {report.seconds:.1f} s "
        f"({report.lines / report.seconds:,.0f} lines/s), {report.added} added, "
        f"{report.rejected} rejected; {_load()}"
    )
    print(
        f"[{label}] CPU time: importer process {own_cpu:.0f} s, reader processes "
        f"{reader_cpu:.0f} s, {own_cpu + reader_cpu:.0f} s in all (the database server's "
        f"share on PostgreSQL not counted); {_load()}"
    )
    readers = sum(peaks.values())
    own = _high_water_mib("self")
    print(
        f"[{label}] peak RSS: importer process {own:.0f} MiB (since start), reader processes "
        f"{readers:.0f} MiB ({len(peaks)} of them, peaks summed), tree at most "
        f"{own + readers:.0f} MiB"
    )
    cpu_before = _cpu_seconds()
    again = await service.import_file(path)
    cpu = sum(_cpu_seconds()) - sum(cpu_before)
    print(
        f"[{label}] second import, nothing changed: {again.seconds:.1f} s, {cpu:.0f} CPU s, "
        f"{again.unchanged} unchanged, {again.retired} retired; {_load()}"
    )


async def measure_search(label: str, service: DirectoryService, queries: list[str]) -> None:
    """Time ``queries`` after a warm-up; print p50/p99, the load average and the slowest."""
    for query in queries[:WARM_UP]:
        await service.search(query)
    timed: list[tuple[float, str]] = []
    empty = 0
    for query in queries[WARM_UP:]:
        started = time.perf_counter()
        page = await service.search(query)
        timed.append(((time.perf_counter() - started) * 1000, query))
        empty += not page.entries
    timed.sort()
    latencies = [ms for ms, _ in timed]
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"[{label}] search over {len(latencies)} queries (page of 20, entries loaded): "
        f"p50 {statistics.median(latencies):.2f} ms, p99 {p99:.2f} ms, "
        f"max {latencies[-1]:.2f} ms; {empty} queries without result; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    slowest = ", ".join(f"{query!r} {ms:.1f} ms" for ms, query in timed[-5:])
    print(f"[{label}] slowest: {slowest}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--postgres-queries", type=int, default=500)
    parser.add_argument("--file", type=Path)
    parser.add_argument("--no-search", action="store_true", help="import figures only")
    parser.add_argument("--db", type=Path, help="keep the SQLite database here (reused if present)")
    args = parser.parse_args()
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # figures as they come, also into a file
    with tempfile.TemporaryDirectory(prefix="directory-bench-", dir="/tmp") as scratch:
        work = Path(scratch)
        path = args.file
        reuse = args.db is not None and args.db.exists()
        if path is None and not reuse:
            path = work / "Extraction_Correspondance_MSSante_bench.txt"
            started = time.monotonic()
            stats = write_extraction(path, args.rows, broken_share=0.005, seed=1)
            print(
                f"generated {stats.rows} lines ({sum(stats.broken.values())} broken), "
                f"{path.stat().st_size / 2**20:.0f} MiB, in {time.monotonic() - started:.0f} s"
            )
        queries = [] if args.no_search else query_mix(args.queries + WARM_UP)
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
        async with sqlite_engine(args.db or work / "directory.db") as engine:
            await measure("sqlite", engine, None if reuse else path, queries)
        url = os.environ.get("MSS_TEST_POSTGRES_URL")
        if url and path is not None:
            async with postgres_engine(url) as engine:
                await measure(
                    "postgresql", engine, path, queries[: WARM_UP + args.postgres_queries]
                )


if __name__ == "__main__":
    asyncio.run(main())
