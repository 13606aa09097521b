"""Durability: what ``deliver`` acknowledged survives ``kill -9`` of the process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from mss.mailcrypto import open_content_key, open_content_of
from mss.runtime import Runtime
from support import make_settings

ACKS_BEFORE_KILL = 60


def deliver_until_killed(data_dir: Path, database_url: str) -> list[int]:
    """Run the child until it has acknowledged enough deliveries, then SIGKILL it."""
    child = Path(__file__).parents[1] / "_support" / "crash_child.py"
    env = {**os.environ, "PYTHONPATH": str(child.parent)}
    acknowledged: list[int] = []
    with subprocess.Popen(
        [sys.executable, str(child), str(data_dir), database_url],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    ) as process:
        assert process.stdout is not None
        try:
            for line in process.stdout:
                if line.startswith("ACK "):
                    acknowledged.append(int(line.split()[1]))
                    if len(acknowledged) >= ACKS_BEFORE_KILL:
                        break
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
    return acknowledged


async def test_acknowledged_deliveries_survive_kill_9(tmp_path: Path, database_url: str) -> None:
    acknowledged = deliver_until_killed(tmp_path, database_url)
    assert len(acknowledged) >= ACKS_BEFORE_KILL

    runtime = await Runtime.open(make_settings(tmp_path, database_url))
    try:
        unlocked = await runtime.accounts.authenticate("a@hopital.example", "correct horse battery")
        inbox = await runtime.store.get_mailbox(unlocked.account.id, "INBOX")
        assert inbox is not None
        records = await runtime.store.get_messages(inbox.id, acknowledged)
        assert sorted(r.uid for r in records) == sorted(acknowledged)
        for record in records:
            key = open_content_key(record, unlocked.keys)
            raw = open_content_of(
                record.object_id, key, await runtime.store.get_content(record.object_id)
            )
            assert raw.startswith(b"From: ")
    finally:
        await runtime.close()
