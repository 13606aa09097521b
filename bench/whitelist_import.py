"""The whitelist import at the national file's size: parse, first import, unchanged re-import,
an import with 5 % of the domains replaced, and the policy's per-domain lookup.

    .venv/bin/python bench/whitelist_import.py [--domains N] [--postgres URL]

The file is generated in the national layout (one ``Domaine`` per domain and operator DN, a few
operators shared by many domains, as in the real list; ~3.6 MB at the default size).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from mss.config import load_settings
from mss.runtime import Runtime
from mss.store.migrate import upgrade
from mss.store.trust_sql import SqlTrustStore
from mss.whitelist import Changes, parse_whitelist

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "_support"))
from health_pki import whitelist_xml

OPERATORS = [
    f"CN=mss{n}.operateur.fr,OU={n:015d},O=OPÉRATEUR N°{n} SANTÉ,ST=Rhône (69),C=FR"
    for n in range(40)
]


def entries(count: int, offset: int = 0) -> list[tuple[str, str]]:
    return [
        (f"etablissement-{n}.mssante.fr", OPERATORS[n % len(OPERATORS)])
        for n in range(offset, offset + count)
    ]


def accept(changes: Changes) -> None:
    return None


async def measure(url: str, directory: Path, count: int) -> None:
    settings = load_settings(directory, environ={}, overrides={"database_url": url})
    runtime = await Runtime.open(settings)
    await upgrade(runtime.database)
    store = SqlTrustStore(runtime.database, runtime.store.committer).whitelist
    data = whitelist_xml(entries(count))
    started = time.perf_counter()
    whitelist = parse_whitelist(data)
    parsed = time.perf_counter() - started
    print(f"  file {len(data) / 1e6:.1f} MB, {count} domains: parse {parsed:.2f} s")
    for label, new in (
        ("first import", whitelist.entries),
        ("unchanged re-import", whitelist.entries),
        ("5 % replaced", parse_whitelist(whitelist_xml(entries(count, count // 20))).entries),
    ):
        started = time.perf_counter()
        changes = await store.replace(new, accept)
        print(f"  {label}: {time.perf_counter() - started:.2f} s ({changes.summary()})")
    started = time.perf_counter()
    for n in range(1000):
        await store.dn_keys(f"etablissement-{n}.mssante.fr")
    print(f"  per-domain lookup: {(time.perf_counter() - started):.3f} ms mean over 1000")
    await runtime.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--domains", type=int, default=9000)
    parser.add_argument("--postgres", default=os.environ.get("MSS_TEST_POSTGRES_URL", ""))
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        print("SQLite")
        asyncio.run(
            measure(f"sqlite+aiosqlite:///{directory / 'mss.db'}", directory, arguments.domains)
        )
        if arguments.postgres:
            print("PostgreSQL (the database is used as is: give an empty one)")
            asyncio.run(measure(arguments.postgres, directory, arguments.domains))


if __name__ == "__main__":
    main()
