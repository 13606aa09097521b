"""Deliveries per second through ``deliver``, and how much of it is encryption.

    .venv/bin/python bench/delivery.py [--count N] [--concurrency K] [--postgres URL]

For each store and message size: deliveries/s with K concurrent deliverers (group commit
batches them, as concurrent SMTP sessions would) and with one; beside it, the time the same
messages spend in the crypto calls alone (content key, sealing, two encryptions) and in MIME
parsing alone, per message. Also the Argon2id unlock time at each cost level.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg

from crypto import AccountKeys, Argon2Params, encrypt, new_content_key, seal_key
from crypto.kdf import derive_password_key, new_salt
from mss.config import load_settings
from mss.delivery import deliver
from mss.mime import parse_message
from mss.runtime import Runtime
from mss.store.migrate import upgrade
from mss.store.pgnotify import asyncpg_dsn
from mss.store.records import AccountKind


def make_message(size: int) -> bytes:
    head = (
        "From: Dr Jeanne Martin <jeanne.martin@hopital.example>\r\n"
        "To: Patient <patient@hopital.example>\r\n"
        "Subject: Compte rendu de consultation\r\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@hopital.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    ).encode()
    line = "Le patient a été vu en consultation ce jour; examen clinique normal.\r\n".encode()
    body = (line * (size // len(line) + 1))[: size - len(head)]
    return head + body


async def run_store(url: str, size: int, count: int, concurrency: int) -> tuple[float, float]:
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
    await runtime.store.add_domain("hopital.example")
    account = (
        await runtime.accounts.create_account(
            "bench@hopital.example", AccountKind.PROFESSIONAL, "correct horse battery"
        )
    ).account
    inbox = await runtime.store.get_mailbox(account.id, "INBOX")
    assert inbox is not None
    messages = [make_message(size) for _ in range(min(count, 50))]

    async def worker(share: int) -> None:
        for i in range(share):
            await deliver(runtime.store, account, inbox, messages[i % len(messages)])

    rates = []
    for workers in (concurrency, 1):
        total = count if workers > 1 else max(count // 4, 10)
        started = time.perf_counter()
        await asyncio.gather(*(worker(total // workers) for _ in range(workers)))
        rates.append((total // workers * workers) / (time.perf_counter() - started))
    await runtime.close()
    return rates[0], rates[1]


def crypto_alone(size: int, count: int) -> tuple[float, float]:
    """Seconds per message in the crypto calls only, and in MIME parsing only."""
    owner = AccountKeys.generate().public.encryption
    message = make_message(size)
    started = time.perf_counter()
    for _ in range(count):
        key = new_content_key()
        seal_key(key, owner)
        encrypt(key, message[:2000], b"mss/v1/message/0123456789abcdef/summary")
        encrypt(key, message, b"mss/v1/message/0123456789abcdef/content")
    crypto = (time.perf_counter() - started) / count
    started = time.perf_counter()
    for _ in range(count):
        parse_message(message)
    return crypto, (time.perf_counter() - started) / count


async def postgres_database(url: str) -> str:
    name = f"mss_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(asyncpg_dsn(url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return url.rsplit("/", 1)[0] + "/" + name


def argon2_unlock() -> dict[str, float]:
    timings = {}
    for level in ("interactive", "moderate"):
        params = getattr(Argon2Params, level)()
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            derive_password_key("correct horse battery", new_salt(), params)
            runs.append(time.perf_counter() - started)
        timings[level] = statistics.median(runs)
    return timings


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--postgres", default=os.environ.get("MSS_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()

    stores = {"sqlite": ""}
    if args.postgres:
        stores["postgresql"] = args.postgres
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.count} messages each")
    print(
        f"{'store':<11} {'size':>7} {'msg/s x' + str(args.concurrency):>10} {'msg/s x1':>9}"
        f" {'crypto/msg':>11} {'parse/msg':>10} {'crypto share':>12}"
    )
    for name, base in stores.items():
        for size, count in ((4096, args.count), (1024 * 1024, max(args.count // 20, 40))):
            if name == "sqlite":
                url = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='mss-bench-')}/mss.db"
            else:
                url = await postgres_database(base)
            concurrent, single = await run_store(url, size, count, args.concurrency)
            crypto, parse = crypto_alone(size, min(count, 500))
            share = crypto * concurrent
            print(
                f"{name:<11} {size // 1024:>5}Ki {concurrent:>10.0f} {single:>9.0f}"
                f" {crypto * 1e6:>9.0f}µs {parse * 1e6:>8.0f}µs {share:>11.1%}"
            )
    for level, seconds in argon2_unlock().items():
        print(f"Argon2id unlock ({level}): {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    asyncio.run(main())
