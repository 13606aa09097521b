"""Dovecot's imaptest scripted suite (release-2.3) against ``mss serve``; not part of CI.

    scripts/imaptest [--imaptest PATH] [--source DIR] [--only NAME ...]

Finds an ``imaptest`` binary (``--imaptest``, ``$IMAPTEST``, ``PATH``, or the build cache
``~/.cache/mss/imaptest``); otherwise builds one there from ``--source`` (a checkout of
github.com/dovecot/imaptest, branch release-2.3; cloned from GitHub when absent) against Debian's
``dovecot-dev`` (see /work/shared/DEPENDENCIES.md for the packages). Then it starts MSS on a
temporary data directory with a demo domain and an account holding a few messages, runs every
test group (one file of ``src/tests``) in its own imaptest run, and prints PASS / FAIL / SKIP
(capability not advertised) per group with imaptest's failure lines, and the totals in
imaptest's own terms: groups failed, base-protocol and extension commands failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mss.config import load_settings
from mss.delivery import deliver
from mss.runtime import Runtime
from mss.store.migrate import upgrade
from mss.store.records import AccountKind

USER = "imaptest@hopital.example"
PASSWORD = "correct horse battery"
CACHE = Path.home() / ".cache" / "mss" / "imaptest"
DOVECOT_LIB = "/usr/lib/dovecot"
REPOSITORY = "https://github.com/dovecot/imaptest"
# Debian 12's libdovecot takes a 4th argument (parser parameters) that release-2.3 predates.
PARSER_CALL = re.compile(rb"imap_parser_create\(([^;]*?), NULL, \(size_t\)-1\)")


@dataclass
class Outcome:
    """One test group's result, in the counts imaptest prints at the end of a run."""

    name: str
    groups_failed: int = 0
    skipped: bool = False
    base_failed: int = 0
    base_total: int = 0
    ext_failed: int = 0
    ext_total: int = 0
    details: str = ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def find_or_build(explicit: str | None, source: str | None) -> tuple[Path, Path]:
    """The imaptest binary and its ``src/tests`` folder."""
    for candidate in (explicit, os.environ.get("IMAPTEST")):
        if candidate:
            binary = Path(candidate)
            return binary, binary.parent / "tests"
    built = CACHE / "src" / "imaptest"
    if built.exists():
        return built, CACHE / "src" / "tests"
    if CACHE.exists():
        shutil.rmtree(CACHE)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    origin = source or REPOSITORY
    subprocess.run(["git", "clone", "-q", "-b", "release-2.3", origin, str(CACHE)], check=True)
    for name in ("commands.c", "imap-client.c", "test-parser.c"):
        path = CACHE / "src" / name
        path.write_bytes(
            PARSER_CALL.sub(rb"imap_parser_create(\1, NULL, (size_t)-1, NULL)", path.read_bytes())
        )
    for step in (
        ["./autogen.sh"],
        ["./configure", f"--with-dovecot={DOVECOT_LIB}"],
        ["make", "-j2"],
    ):
        subprocess.run(step, cwd=CACHE, check=True, stdout=subprocess.DEVNULL)
    return built, CACHE / "src" / "tests"


def sample(number: int) -> bytes:
    return (
        f"From: Dr Test <dr.test{number}@hopital.example>\r\nTo: <{USER}>\r\n"
        f"Subject: Message {number}\r\nDate: Mon, 23 Nov 2026 10:00:00 +0100\r\n"
        f"Message-ID: <imaptest.{number}@hopital.example>\r\n\r\nBonjour {number}.\r\n"
    ).encode()


async def populate(data: Path) -> str:
    """A domain, an account with five messages in INBOX; returns an app password for it."""
    settings = load_settings(
        data,
        environ={},
        overrides={"security": {"argon2": "minimum", "allow_minimum_argon2": True}},
    )
    runtime = await Runtime.open(settings)
    await upgrade(runtime.database)
    await runtime.store.add_domain("hopital.example")
    account = (
        await runtime.accounts.create_account(USER, AccountKind.PROFESSIONAL, PASSWORD)
    ).account
    unlocked = await runtime.accounts.authenticate(USER, PASSWORD)
    _, app_password = await runtime.accounts.add_app_password(unlocked, "imaptest")
    for number in range(5):
        await deliver(runtime.store, account, "INBOX", sample(number))
    await runtime.close()
    return app_password


SUMMARY = re.compile(
    r"(\d+) test groups: (\d+) failed, (\d+) skipped.*?\n"
    r"base protocol: (\d+)/(\d+) individual commands failed\n"
    r"extensions: (\d+)/(\d+) individual commands failed",
    re.S,
)


def run_group(binary: Path, tests: Path, name: str, port: int, password: str) -> Outcome:
    command = [
        str(binary),
        "host=127.0.0.1",
        f"port={port}",
        "ssl=any-cert",
        f"user={USER}",
        f"pass={password}",
        f"test={tests / name}",
    ]
    env = {**os.environ, "LD_LIBRARY_PATH": DOVECOT_LIB}
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        # imaptest prints failures on stdout and errors on stderr, the totals last on stdout.
        output = done.stderr + done.stdout
    except subprocess.TimeoutExpired as expired:
        output = f"timed out after 60 s\n{expired.stdout!r}"
    found = SUMMARY.search(output)
    if found is None:
        return Outcome(name, groups_failed=1, details=output.strip()[-2000:])
    _, failed, skipped, base_failed, base_total, ext_failed, ext_total = map(int, found.groups())
    # A group whose capability is missing logs out before its first command: imaptest does not
    # always count it as skipped, but it then ran no command at all.
    never_ran = failed == 0 and base_total + ext_total == 0
    return Outcome(
        name,
        failed,
        skipped > 0 or never_ran,
        base_failed,
        base_total,
        ext_failed,
        ext_total,
        output[: found.start()].strip(),
    )


def start_server(data: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MSS_")},
        "MSS_SECURITY__ARGON2": "minimum",
        "MSS_SECURITY__ALLOW_MINIMUM_ARGON2": "true",
        "MSS_LISTEN__IMAPS_PORT": str(port),
        "MSS_LISTEN__IMAP_PORT": str(free_port()),
        "MSS_SERVICES__MX": "false",
        "MSS_SERVICES__SUBMISSION": "false",
        "MSS_SERVICES__WEB": "false",
        "MSS_SERVICES__QUEUE": "false",
    }
    subprocess.run(
        [sys.executable, "-m", "mss", "--data", str(data), "init"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "mss", "--data", str(data), "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(data / "serve.log").open("wb"),
    )


def wait_for(port: int) -> None:
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("mss serve did not open its IMAPS port")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--imaptest", help="an imaptest binary (default: $IMAPTEST or build)")
    parser.add_argument("--source", help="an imaptest checkout (release-2.3) to build from")
    parser.add_argument("--only", nargs="*", help="run only these test groups")
    parser.add_argument("--verbose", action="store_true", help="print failure lines")
    args = parser.parse_args()
    binary, tests = find_or_build(args.imaptest, args.source)
    names = args.only or sorted(
        path.name for path in tests.iterdir() if path.is_file() and path.suffix != ".mbox"
    )
    data = Path(tempfile.mkdtemp(prefix="mss-imaptest-"))
    port = free_port()
    server = start_server(data, port)
    try:
        password = asyncio.run(populate(data))
        wait_for(port)
        outcomes = []
        for name in names:
            outcome = run_group(binary, tests, name, port, password)
            outcomes.append(outcome)
            verdict = "SKIP" if outcome.skipped else "FAIL" if outcome.groups_failed else "PASS"
            print(
                f"{verdict}  {name:40} base {outcome.base_failed}/{outcome.base_total}"
                f"  ext {outcome.ext_failed}/{outcome.ext_total}",
                flush=True,
            )
            if args.verbose and verdict == "FAIL":
                print("      " + outcome.details.replace("\n", "\n      "))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
    failed = sum(o.groups_failed for o in outcomes)
    skipped = sum(o.skipped for o in outcomes)
    print(
        f"{len(outcomes)} test groups: {failed} failed, {skipped} skipped (capability missing)\n"
        f"base protocol: {sum(o.base_failed for o in outcomes)}/"
        f"{sum(o.base_total for o in outcomes)} individual commands failed\n"
        f"extensions: {sum(o.ext_failed for o in outcomes)}/"
        f"{sum(o.ext_total for o in outcomes)} individual commands failed"
    )
    shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
