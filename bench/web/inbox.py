"""Webmail latency: the inbox API (first page of a 5,000-message mailbox) and the message view,
with 100 concurrent signed-in sessions. Prints p50 and p99 (the target is p99 ≤ 100 ms).

    .venv/bin/python bench/web/inbox.py [--messages 5000] [--sessions 100] [--requests 10]
                                         [--postgres URL]

The server runs in a child process (uvicorn and the store on its own event loop, as in
``mss serve``) so that the load generator does not share its CPU time. Two loads are measured:

- closed loop: every session sends its next request as soon as the previous one is answered,
  100 in flight at all times: the latency a patient sees when the server is saturated;
- paced: every session sends one request every 5 s (20 requests/s offered in all), then every
  2 s (50/s): a busy but unsaturated server, people reading and clicking.

Before them: each session's first list (100 at once, its rows not yet in the session's row
cache: 50 summaries decrypted each), and one session alone (the service time without queueing).

All sessions belong to one patient whose inbox holds the messages (4 KiB of text, one in ten
with a 100 KiB PDF). Each list request decrypts the 50 summaries of its page; each view
decrypts a whole message.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

from mss.config import Settings, load_settings
from mss.mailcrypto import seal_message
from mss.runtime import Runtime
from mss.store.migrate import upgrade
from mss.store.pgnotify import asyncpg_dsn
from mss.store.records import AccountKind

PATIENT = "285057512345623@patient.example"
PASSWORD = "correct horse battery"
_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


def make_message(number: int) -> bytes:
    head = (
        "From: Dr Jeanne Martin <jeanne.martin@hopital.example>\r\n"
        f"To: <{PATIENT}>\r\nSubject: Compte rendu n°{number}\r\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@hopital.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode()
    text = "Examen clinique normal; bilan biologique à prévoir.\r\n".encode() * 70
    tail = b"--b--\r\n"
    if number % 10 == 0:
        pdf = base64.encodebytes(os.urandom(100 * 1024))
        tail = (
            b"--b\r\nContent-Type: application/pdf\r\n"
            b'Content-Disposition: attachment; filename="cr.pdf"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n" + pdf + b"--b--\r\n"
        )
    return head + text + tail


def settings_for(data: Path, url: str) -> Settings:
    return load_settings(
        data,
        environ={},
        overrides={
            "database_url": url,
            "security": {"argon2": "minimum", "allow_minimum_argon2": True},
            "limits": {"auth_failure_delay_seconds": 0, "auth_failures_per_ip": 100_000},
            "listen": {"web_port": 0},
        },
    )


async def fill(data: Path, url: str, count: int) -> None:
    runtime = await Runtime.open(settings_for(data, url))
    await upgrade(runtime.database)
    await runtime.store.add_domain("patient.example", is_patient=True)
    created = await runtime.accounts.create_account(PATIENT, AccountKind.PATIENT, PASSWORD)
    account = created.account
    inbox = await runtime.store.get_mailbox(account.id, "INBOX")
    assert inbox is not None
    started = time.perf_counter()
    for start in range(0, count, 250):
        batch = [
            seal_message(make_message(n), account.encryption_key, frozenset(), 1_790_000_000 + n)
            for n in range(start, min(start + 250, count))
        ]
        await asyncio.gather(*(runtime.store.append(inbox.id, m) for m in batch))
    print(f"filled {count} messages in {time.perf_counter() - started:.1f} s")
    await runtime.close()


async def serve(data: Path, url: str) -> None:
    """The child: the webmail on port 0, its port printed, until SIGTERM."""
    from webmail.service import WebService

    runtime = await Runtime.open(settings_for(data, url))
    service = WebService(runtime)
    await service.start()
    print(service.port, flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await service.stop()
    await runtime.close()


async def sign_in(base: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=60)
    page = await client.get("/login")
    token = _META.search(page.text)
    assert token is not None
    answer = await client.post(
        "/api/session",
        json={"address": PATIENT, "password": PASSWORD},
        headers={"x-csrf-token": token.group(1)},
    )
    answer.raise_for_status()
    return client


def report(name: str, latencies: list[float], elapsed: float) -> None:
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"  {name:<40} n={len(latencies):>5}  p50 {cuts[49] * 1000:7.1f} ms"
        f"  p99 {cuts[98] * 1000:7.1f} ms  ({len(latencies) / elapsed:6.0f} req/s)"
    )


async def load(
    clients: list[httpx.AsyncClient], paths: list[str], requests: int, pace: float | None
) -> tuple[list[float], float]:
    latencies: list[float] = []

    async def one(client: httpx.AsyncClient, offset: float) -> None:
        if pace:
            await asyncio.sleep(offset)
        for _ in range(requests):
            tick = time.perf_counter()
            answer = await client.get(random.choice(paths))
            latencies.append(time.perf_counter() - tick)
            answer.raise_for_status()
            if pace:
                await asyncio.sleep(max(0.0, pace - (time.perf_counter() - tick)))

    started = time.perf_counter()
    await asyncio.gather(*(one(c, (pace or 0) * i / len(clients)) for i, c in enumerate(clients)))
    return latencies, time.perf_counter() - started


async def measure(base: str, sessions: int, requests: int) -> None:
    clients = [await sign_in(base) for _ in range(sessions)]
    folders = (await clients[0].get("/api/mailboxes")).json()
    inbox = next(f["id"] for f in folders if f["role"] == "inbox")
    listing = (await clients[0].get(f"/api/mailboxes/{inbox}/messages")).json()
    total = listing["total"]
    first_page = [f"/api/mailboxes/{inbox}/messages"]
    views = [f"/api/mailboxes/{inbox}/messages/{uid}" for uid in range(1, total + 1)]
    print(f"{sessions} signed-in sessions, inbox of {total} messages, 50 per page")
    lat, elapsed = await load(clients, first_page, 1, None)
    report("inbox first page, first time (cold)", lat, elapsed)
    lat, elapsed = await load(clients[:1], first_page + views, 100, None)
    report("one session alone, list and views", lat, elapsed)
    for pace in (None, 5.0, 2.0):
        label = "closed loop" if pace is None else f"1 req every {pace:g} s each"
        lat, elapsed = await load(clients, first_page, requests, pace)
        report(f"inbox first page, {label}", lat, elapsed)
        lat, elapsed = await load(clients, views, requests, pace)
        report(f"message view, {label}", lat, elapsed)
    for client in clients:
        await client.aclose()


async def run(url: str, label: str, args: argparse.Namespace) -> None:
    data = Path(tempfile.mkdtemp(prefix="mss-web-bench-"))
    print(f"== {label}")
    await fill(data, url, args.messages)
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve", str(data), "--url", url, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert child.stdout is not None
        port = int(await child.stdout.readline())
        await measure(f"http://127.0.0.1:{port}", args.sessions, args.requests)
    finally:
        child.send_signal(signal.SIGTERM)
        await asyncio.wait_for(child.wait(), 30)


async def postgres_database(url: str, name: str, create: bool) -> None:
    admin = await asyncpg.connect(asyncpg_dsn(url))
    try:
        if create:
            await admin.execute(f'CREATE DATABASE "{name}"')
        else:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--requests", type=int, default=10, help="per session and load")
    parser.add_argument("--postgres", default=os.environ.get("MSS_TEST_POSTGRES_URL", ""))
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(Path(args.serve), args.url))
        return
    sqlite_dir = Path(tempfile.mkdtemp(prefix="mss-web-sqlite-"))
    asyncio.run(run(f"sqlite+aiosqlite:///{sqlite_dir / 'mss.db'}", "SQLite", args))
    if args.postgres:
        name = f"mss_bench_{uuid.uuid4().hex[:8]}"
        asyncio.run(postgres_database(args.postgres, name, create=True))
        try:
            asyncio.run(run(f"{args.postgres.rsplit('/', 1)[0]}/{name}", "PostgreSQL", args))
        finally:
            asyncio.run(postgres_database(args.postgres, name, create=False))


if __name__ == "__main__":
    main()
