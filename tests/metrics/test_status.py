"""``mss status``: the figures read from the store, and the command as an operator runs it."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

from sqlalchemy import update

from mailserver import DOCTOR, NURSE, PASSWORD, PATIENT, message, start_mail_server
from mss.policy import SenderKind
from mss.queue import QueueRecipient
from mss.queue.schedule import now_ms
from mss.runtime import Runtime
from mss.store.clock import now
from mss.store.queue_schema import queue_recipients
from mss.store.status_sql import SqlStatus
from support import make_settings

ELSEWHERE = "dr.b@ailleurs.example"


async def test_queue_deliveries_counts_and_size(runtime: Runtime) -> None:
    server = await start_mail_server(runtime, only=("metrics",))  # domains and accounts
    await server.stop()
    status = SqlStatus(runtime.database)
    assert await status.counts() == (3, 2)
    empty = await status.queue()
    assert (empty.messages, empty.pending, empty.deferred, empty.oldest_ms) == (0, 0, 0, None)

    await runtime.inbound.receive(
        DOCTOR, SenderKind.PROFESSIONAL, server.accounts[NURSE], message(DOCTOR, NURSE, "Un")
    )
    for address in (ELSEWHERE, "dr.c@ailleurs.example"):
        await runtime.queue.enqueue(
            DOCTOR, [QueueRecipient(address)], message(DOCTOR, address, "x")
        )
    async with runtime.database.writer.begin() as connection:  # one deferred, one relayed
        await connection.execute(
            update(queue_recipients)
            .where(queue_recipients.c.address == ELSEWHERE)
            .values(attempts=1)
        )
        await connection.execute(
            update(queue_recipients)
            .where(queue_recipients.c.address == "dr.c@ailleurs.example")
            .values(state="delivered", attempts=1, last_attempt_ms=now_ms())
        )
    queue = await status.queue()
    assert (queue.messages, queue.pending, queue.deferred) == (1, 0, 1)
    assert queue.oldest_ms is not None and now_ms() - queue.oldest_ms < 60_000
    assert await status.relayed_per_minute(now(), 3) == [1, 0, 0]
    assert await status.relayed_per_minute(now() + 120, 3) == [0, 0, 1]
    assert await status.store_bytes() > 100_000


def mss(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MSS_")}
    return subprocess.run(
        [sys.executable, "-m", "mss", "--data", str(data), *args],
        capture_output=True,
        text=True,
        env=clean | env,
        timeout=120,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_status_of_a_running_server_after_a_submission(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert mss(data, "init").returncode == 0
    port = free_port()
    listen = {
        name: 0
        for name in ("mx_port", "submission_port", "submissions_port", "imap_port", "imaps_port")
    }
    settings = make_settings(
        data,
        f"sqlite+aiosqlite:///{data / 'mss.db'}",
        listen=listen | {"web_port": 0, "web_redirect_port": 0, "metrics_port": port},
    )
    runtime = await Runtime.open(settings)
    server = await start_mail_server(runtime, only=("smtp", "metrics"))
    try:
        async with server.submission_client() as client:
            await client.login(DOCTOR, PASSWORD)
            await client.sendmail(DOCTOR, [NURSE], message(DOCTOR, NURSE, "Avis"))
            shown = await asyncio.to_thread(mss, data, "status", MSS_LISTEN__METRICS_PORT=str(port))
    finally:
        await server.stop()
        await runtime.close()
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert "accounts: 3" in lines
    assert "domains: 2" in lines
    assert "queue: 0 recipients pending (not tried yet)" in lines
    # The nurse's INBOX copy (the doctor's Sent copy is filed, not delivered).
    assert "deliveries the current minute: 1 stored locally, 0 relayed" in lines
    assert any(line.startswith("store size: ") and "bytes (SQLite" in line for line in lines)
    assert f"connections: 0 IMAP, 1 SMTP (from http://127.0.0.1:{port}/metrics" in shown.stdout
    assert shown.stderr == ""
    for address in (DOCTOR, NURSE, PATIENT):
        assert address not in shown.stdout


def test_status_refuses_a_database_without_schema(tmp_path: Path) -> None:
    missing = mss(tmp_path / "nothing", "status")
    assert missing.returncode == 1
    assert "does not exist: run `mss init` first" in missing.stderr
    assert mss(tmp_path / "data", "init").returncode == 0
    (tmp_path / "data" / "mss.db").unlink()
    empty = mss(tmp_path / "data", "status")
    assert empty.returncode == 1
    assert (
        empty.stderr
        == "error: the database has no schema: run `mss init` to create or migrate it\n"
    )
    assert empty.stdout == ""
