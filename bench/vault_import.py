"""Documents per second filed into patients' vaults by the XDM import, delivery included.

    .venv/bin/python bench/vault_import.py [--count N] [--concurrency K] [--postgres URL]

Each message carries an IHE_XDM.ZIP with one 200 KiB PDF (distinct content each time, so the
keyed-tag deduplication files every one) and goes through ``InboundService.receive``, the path
that MX and local delivery share: the message is committed, then the package is unpacked and the
document sealed and filed. Figures for SQLite, and PostgreSQL when a URL is given.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from mss.config import load_settings
from mss.policy import SenderKind
from mss.runtime import Runtime
from mss.store.migrate import upgrade
from mss.store.records import AccountKind
from mss.xdm.package import XdmDocument, XdmSubmission, build_package

PATIENT = "285057512345623@patient.example"
PDF_BYTES = 200 * 1024


def make_message(index: int) -> bytes:
    pdf = b"%PDF-1.4\n" + os.urandom(PDF_BYTES - 16) + b"\n%%EOF\n"
    document = XdmDocument(
        pdf,
        "application/pdf",
        f"Compte rendu {index}",
        "11488-4",
        "CR",
        datetime.now(UTC),
        author="Dr Bench",
    )
    package = build_package(XdmSubmission(PATIENT.split("@")[0], "Dr Bench", "CH", [document]))
    message = EmailMessage()
    message["From"] = "jeanne.martin@hopital.example"
    message["To"] = PATIENT
    message["Subject"] = f"Documents {index}"
    message.set_content("Bonjour.")
    message.add_attachment(package, maintype="application", subtype="zip", filename="IHE_XDM.ZIP")
    return message.as_bytes()


async def run_store(url: str, count: int, concurrency: int) -> float:
    data = Path(tempfile.mkdtemp(prefix="mss-bench-"))
    settings = load_settings(
        data,
        environ={},
        overrides={
            "database_url": url,
            "security": {"argon2": "minimum", "allow_minimum_argon2": True},
        },
    )
    runtime = await Runtime.open(settings)
    await upgrade(runtime.database)
    await runtime.store.add_domain("patient.example", is_patient=True)
    created = await runtime.accounts.create_account(
        PATIENT, AccountKind.PATIENT, "correct horse battery"
    )
    messages = [make_message(i) for i in range(count)]
    queue = list(messages)

    async def worker() -> None:
        while queue:
            raw = queue.pop()
            await runtime.inbound.receive(
                "jeanne.martin@hopital.example", SenderKind.PROFESSIONAL, created.account, raw
            )

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    owner = await runtime.accounts.authenticate(PATIENT, "correct horse battery")
    filed = len(await runtime.vault.list(owner))
    await runtime.close()
    assert filed == count, f"{filed} filed of {count}"
    return count / elapsed


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--postgres", default=os.environ.get("MSS_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    stores = [("sqlite", f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db")]
    if args.postgres:
        stores.append(("postgresql", args.postgres))
    for name, url in stores:
        rate = await run_store(url, args.count, args.concurrency)
        print(
            f"{name:10} {rate:7.1f} documents/s filed (200 KiB PDF in IHE_XDM.ZIP, "
            f"{args.concurrency} concurrent deliveries, {args.count} messages)"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main())
