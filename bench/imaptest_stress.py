"""imaptest in stress mode against ``mss serve`` (with an app password) and a throw-away Dovecot.

    .venv/bin/python -m bench.imaptest_stress [--secs 60] [--clients 10] [--imaptest PATH]

Issue 15's row "imaptest stress, 10 clients, 60 s: logins per second". Both servers hold the
same five messages in INBOX and get the same imaptest parameters (``secs``, ``clients``, the same
mbox to APPEND from, TLS with any certificate): imaptest's clients log in, run its default mix of
commands (SELECT, FETCH, STORE, EXPUNGE, APPEND, ...), log out and start again. The figure is
imaptest's total LOGIN count divided by ``secs``; MSS logs in with an app password, since that is
what mail clients use (the account password unlocks through Argon2id and is not a client login).
Dovecot runs first, then MSS, so the two do not share the machine; the load average is printed
with each.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from bench import imap_dovecot, imaptest

MESSAGES = 5
Load = tuple[int, int]  # imaptest's secs and clients


def write_mbox(path: Path) -> None:
    """The messages imaptest APPENDs, in mbox form (imaptest reads ``From `` separated files)."""
    with path.open("wb") as mbox:
        for number in range(20):
            raw = imaptest.sample(100 + number).replace(b"\r\n", b"\n")
            mbox.write(b"From sender@hopital.example Mon Nov 23 10:00:00 2026\n" + raw + b"\n")


def logins(output: str) -> int:
    """The LOGIN count in imaptest's ``Totals:`` block (names line, percentages, counts last)."""
    block = output.rsplit("Totals:", 1)[1].strip().splitlines()
    names = block[0].split()
    counts = block[-1].split()
    return int(counts[names.index("Logi")])


def stress(binary: Path, port: int, user: str, password: str, mbox: Path, load: Load) -> float:
    """Run imaptest's stress mode once; returns logins per second."""
    secs, clients = load
    command = [
        str(binary),
        "host=127.0.0.1",
        f"port={port}",
        "ssl=any-cert",
        f"user={user}",
        f"pass={password}",
        f"mbox={mbox}",
        f"secs={secs}",
        f"clients={clients}",
    ]
    env = {**os.environ, "LD_LIBRARY_PATH": imaptest.DOVECOT_LIB}
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=secs + 120, check=False
    )
    if "Totals:" not in done.stdout:
        raise RuntimeError(f"imaptest printed no totals:\n{done.stdout}\n{done.stderr}")
    return logins(done.stdout) / secs


def average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def against_dovecot(binary: Path, mbox: Path, load: Load) -> float:
    root = Path(tempfile.mkdtemp(prefix="mss-bench-dovecot-"))
    imap_dovecot.write_maildir(
        root, {"INBOX": [imaptest.sample(number) for number in range(MESSAGES)]}
    )
    port = imaptest.free_port()
    imap_dovecot.configure(root, port)
    process = subprocess.Popen(
        [imap_dovecot.DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        imaptest.wait_for(port)
        rate = stress(binary, port, imap_dovecot.USER, imap_dovecot.PASSWORD, mbox, load)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait()
    print(f"  Dovecot: {rate:.1f} logins/s (load {average()})", flush=True)
    return rate


def against_mss(binary: Path, mbox: Path, load: Load) -> float:
    data = Path(tempfile.mkdtemp(prefix="mss-bench-stress-"))
    port = imaptest.free_port()
    server = imaptest.start_server(data, port)
    try:
        password = asyncio.run(imaptest.populate(data))
        imaptest.wait_for(port)
        rate = stress(binary, port, imaptest.USER, password, mbox, load)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
    print(f"  MSS (app password): {rate:.1f} logins/s (load {average()})", flush=True)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--secs", type=int, default=60)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--imaptest", help="an imaptest binary (default: $IMAPTEST or build)")
    args = parser.parse_args()
    binary, _ = imaptest.find_or_build(args.imaptest, None)
    mbox = Path(tempfile.mkdtemp(prefix="mss-bench-mbox-")) / "append.mbox"
    write_mbox(mbox)
    print(
        f"imaptest stress, {args.clients} clients, {args.secs} s "
        f"({os.cpu_count()} cores, load {average()}):",
        flush=True,
    )
    started = time.perf_counter()
    stress_load = (args.secs, args.clients)
    dovecot = against_dovecot(binary, mbox, stress_load) if imap_dovecot.installed() else 0.0
    mss = against_mss(binary, mbox, stress_load)
    if dovecot:
        print(f"  MSS / Dovecot: {mss / dovecot:.2f}x logins per second (target >= 0.8x)")
    print(f"  ({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
