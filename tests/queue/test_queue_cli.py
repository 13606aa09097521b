"""``mss queue`` and ``mss trust`` as an operator runs them: real processes, exit statuses."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from crypto.queuekey import load_or_create_queue_key
from mss.cli.init_cmd import initialise
from mss.config import load_settings
from mss.queue import QueueRecipient
from mss.runtime import Runtime
from mss.tls import TlsFiles
from queue_support import DOCTOR, REMOTE_DOMAIN, SENDER, make_queue

# Runs the `mss` command, registering `queue` and `trust` when mss/cli/main.py does not yet.
ENTRY = """
import sys
from mss.cli import main, queue_cmd, trust_cmd
names = {group.name for group in main.app.registered_groups}
for name, sub in (("queue", queue_cmd.app), ("trust", trust_cmd.app)):
    if name not in names:
        main.app.add_typer(sub, name=name)
main.app(prog_name="mss")
"""


def mss(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSS_")}
    return subprocess.run(
        [sys.executable, "-c", ENTRY, "--data", str(data), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_trust_add_list_remove(tmp_path: Path, remote_pki: TlsFiles) -> None:
    data = tmp_path / "cli"
    initialise(data, "mss.hopital.example", "interactive")
    cert = str(remote_pki.ca)
    added = mss(
        data, "trust", "add", REMOTE_DOMAIN, "--host", "127.0.0.1", "--port", "2626", "--cert", cert
    )
    assert added.returncode == 0, added.stderr
    assert f"{REMOTE_DOMAIN} trusted: relaying to 127.0.0.1:2626" in added.stdout
    listed = mss(data, "trust", "list")
    assert listed.stdout.strip() == f"{REMOTE_DOMAIN}\t127.0.0.1:2626\tdatabase"

    again = mss(data, "trust", "add", REMOTE_DOMAIN, "--host", "h", "--cert", cert)
    assert again.returncode == 1 and "is in the trust list already" in again.stderr
    assert "Traceback" not in again.stderr
    assert mss(data, "trust", "remove", REMOTE_DOMAIN).returncode == 0


def test_queue_list_retry_drop(tmp_path: Path) -> None:
    data = tmp_path / "cli"
    initialise(data, "mss.hopital.example", "interactive")
    queue_id = asyncio.run(_enqueue(data))

    listed = mss(data, "queue", "list")
    assert listed.returncode == 0, listed.stderr
    fields = listed.stdout.strip().split("\t")
    assert fields[:3] == [str(queue_id), SENDER, DOCTOR] and "pending" in fields[6]

    retried = mss(data, "queue", "retry", str(queue_id))
    assert retried.returncode == 0 and "1 pending recipients due now" in retried.stdout
    assert mss(data, "queue", "drop", str(queue_id)).returncode == 0
    unknown = mss(data, "queue", "drop", str(queue_id))
    assert unknown.returncode == 1 and f"no queued message {queue_id}" in unknown.stderr


async def _enqueue(data: Path) -> int:
    settings = load_settings(data, environ={})
    runtime = await Runtime.open(settings)
    try:
        key = load_or_create_queue_key(settings.data_path(settings.queue.key))
        queue = make_queue(runtime, key)
        return await queue.enqueue(SENDER, [QueueRecipient(DOCTOR)], b"Subject: x\r\n\r\nx\r\n")
    finally:
        await runtime.close()
