"""``mss serve --workers N``: N processes serving the same ports over one PostgreSQL database.

Each worker is a whole ``mss serve`` started with ``listen.reuse_port``: every one binds the same
ports with SO_REUSEPORT and the Linux kernel spreads new connections among them, so no process
hands sockets to another. What the workers share goes through the database: the change feed
crosses processes by LISTEN/NOTIFY (IDLE and the webmail's pushes), UIDs are allocated in the
store's transactions, the queue leases its rows with SKIP LOCKED. The periodic services (queue,
reminders, signature deadlines, webhooks) run in the first worker only, so that nothing they send
can be sent twice. This process only starts the workers, passes SIGINT and SIGTERM on, and stops
them all when one ends (a supervisor such as systemd then restarts the whole).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from mss.config import Settings

PERIODIC_SERVICES = ("queue", "reminders", "signatures", "webhooks")
STOP_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.2


class WorkersRefused(ValueError):
    """The configuration cannot be served by several processes; the message says why."""


def check_workers(settings: Settings, workers: int) -> None:
    if not settings.effective_database_url.startswith("postgresql"):
        raise WorkersRefused(
            "--workers needs PostgreSQL (database_url): SQLite has one writer per file"
        )
    listen = settings.listen
    ports = {
        "mx_port": listen.mx_port,
        "submission_port": listen.submission_port,
        "submissions_port": listen.submissions_port,
        "imap_port": listen.imap_port,
        "imaps_port": listen.imaps_port,
        "web_port": listen.web_port,
        "web_redirect_port": listen.web_redirect_port,
    }
    ephemeral = sorted(name for name, port in ports.items() if port == 0)
    if ephemeral:
        raise WorkersRefused(
            f"--workers {workers} needs fixed ports: listen.{', listen.'.join(ephemeral)} is 0"
        )


def worker_environment(settings: Settings, index: int) -> dict[str, str]:
    """The settings a worker adds to the operator's (as ``MSS_*`` variables, which win)."""
    extra = {"MSS_LISTEN__REUSE_PORT": "true"}
    if index > 0:
        extra.update({f"MSS_SERVICES__{name.upper()}": "false" for name in PERIODIC_SERVICES})
    if settings.listen.metrics_port:
        # One /metrics listener per worker, on consecutive ports: each counts its own traffic.
        extra["MSS_LISTEN__METRICS_PORT"] = str(settings.listen.metrics_port + index)
    return extra


def supervise(
    settings: Settings,
    workers: int,
    data: Path | None,
    config: Path | None,
    environ: dict[str, str],
) -> int:
    """Run the workers until a signal or until one of them ends; the exit status to return."""
    command = [sys.executable, "-m", "mss"]
    if data is not None:
        command += ["--data", str(data)]
    if config is not None:
        command += ["--config", str(config)]
    command.append("serve")
    processes = [
        # The command is this interpreter running this package: no input of anyone in it.
        subprocess.Popen(command, env={**environ, **worker_environment(settings, index)})  # noqa: S603
        for index in range(workers)
    ]
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for process in processes:
            if process.poll() is None:
                process.send_signal(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(POLL_SECONDS)
        if not stopping:
            stop(signal.SIGTERM, None)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in processes:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    failed = [process.returncode for process in processes if process.returncode not in (0, None)]
    return 0 if stopping and not failed else 1
