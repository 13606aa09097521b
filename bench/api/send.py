"""Documents per second sent through /api/v1 (issue 11's benchmark, sending half): 200 KiB PDFs,
one per request, from concurrent clients to one patient, each request packaged as IHE XDM and
delivered (sealed) to the patient's mailbox.

    .venv/bin/python bench/api/send.py [--documents 200] [--clients 8] [--postgres URL]

Server and load generator share this process (and its event loop), so the figure is a lower
bound of what a separate `mss serve` reaches. Filing into the vault is the vault's observer and
is not counted here. Target of the issue: 50 documents/s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path

import httpx

from mss.config import load_settings
from mss.runtime import Runtime
from mss.store.migrate import upgrade
from mss.store.records import AccountKind
from webmail.service import WebService

PATIENT = "285057512345623@patient.example"
ORGANISATION = "resultats@labo.example"
PASSWORD = "correct horse battery"
METADATA = json.dumps(
    {
        "recipients": [PATIENT],
        "subject": "Vos résultats",
        "body": "Madame, voici vos résultats.",
        "patient_ins": "285057512345623",
        "documents": [{"title": "Bilan", "type_code": "11502-2", "type_label": "CR de biologie"}],
    }
)


async def run(data: Path, url: str, documents: int, clients: int) -> None:
    settings = load_settings(
        data,
        environ={},
        overrides={
            "database_url": url,
            "security": {"argon2": "minimum", "allow_minimum_argon2": True},
            "limits": {"api_requests_per_minute": 1_000_000},
            "listen": {"web_port": 0},
        },
    )
    runtime = await Runtime.open(settings)
    await upgrade(runtime.database)
    await runtime.store.add_domain("patient.example", is_patient=True)
    await runtime.store.add_domain("labo.example")
    await runtime.accounts.create_account(PATIENT, AccountKind.PATIENT, PASSWORD)
    await runtime.accounts.create_account(ORGANISATION, AccountKind.ORGANISATION, PASSWORD)
    key = await runtime.api.issue(
        await runtime.accounts.authenticate(ORGANISATION, PASSWORD), "bench", frozenset({"send"})
    )
    service = WebService(runtime, None)
    await service.start()
    pdf = b"%PDF-1.4\n" + os.urandom(200 * 1024) + b"\n%%EOF\n"
    remaining = list(range(documents))

    async def client() -> None:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{service.port}",
            headers={"Authorization": f"Bearer {key}"},
            timeout=120,
        ) as http:
            while remaining:
                remaining.pop()
                answer = await http.post(
                    "/api/v1/messages",
                    data={"metadata": METADATA},
                    files=[("documents", ("bilan.pdf", pdf, "application/pdf"))],
                )
                assert answer.status_code == 201, answer.text

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    backend = "PostgreSQL" if runtime.database.is_postgres else "SQLite"
    print(
        f"{backend}: {documents} documents of 200 KiB, {clients} clients: {elapsed:.1f} s, "
        f"{documents / elapsed:.1f} documents/s"
    )
    await service.stop()
    await runtime.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL (an empty database)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite+aiosqlite:///{Path(tmp) / 'mss.db'}"
        asyncio.run(run(Path(tmp), url, args.documents, args.clients))


if __name__ == "__main__":
    main()
