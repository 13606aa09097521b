"""``mss serve --workers 2`` on PostgreSQL: two processes on the same ports, mail submitted to one
pushed to IDLE sessions on the other, each message stored once with its own UID,
and a clean stop on SIGTERM. On SQLite the option is refused."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import aioimaplib
import aiosmtplib
import httpx
import pytest

from mss.tls import tls_files
from processes import wait_for_port
from support import make_settings

PASSWORD = "correct horse battery"
USER = "dr.martin@hopital.example"
MESSAGES = 24
SENDERS = 6


def free_ports(count: int) -> list[int]:
    """Ports free now; the metrics ports come in pairs (one per worker, consecutive)."""
    found: list[int] = []
    while len(found) < count:
        with socket.socket() as probe, socket.socket() as neighbour:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
            try:
                neighbour.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        found.append(port)
    return found


def environment(database_url: str, ports: list[int]) -> dict[str, str]:
    names = ("MX", "SUBMISSION", "SUBMISSIONS", "IMAP", "IMAPS", "WEB", "WEB_REDIRECT", "METRICS")
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("MSS_")},
        "MSS_DATABASE_URL": database_url,
        "MSS_SECURITY__ARGON2": "minimum",
        "MSS_SECURITY__ALLOW_MINIMUM_ARGON2": "true",
        **{f"MSS_LISTEN__{name}_PORT": str(port) for name, port in zip(names, ports, strict=True)},
    }


def mss(
    data: Path, env: dict[str, str], *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mss", "--data", str(data), *args]
    return subprocess.run(
        command, env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def test_workers_are_refused_on_sqlite(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSS_")}
    assert mss(tmp_path, env, "init").returncode == 0
    refused = mss(tmp_path, env, "serve", "--workers", "2")
    assert refused.returncode == 1
    assert "--workers needs PostgreSQL" in refused.stderr


async def test_two_workers_share_ports_pushes_and_uids(
    tmp_path: Path, database_url: str, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("several worker processes need PostgreSQL")
    ports = free_ports(8)
    env = environment(database_url, ports)
    submission, imaps, web, metrics = ports[1], ports[4], ports[5], ports[7]
    for command, stdin in (
        (("init",), ""),
        (("domain", "add", "hopital.example"), ""),
        (("account", "add", USER, "--kind", "professional", "--password-stdin"), PASSWORD + "\n"),
    ):
        done = mss(tmp_path, env, *command, stdin=stdin)
        assert done.returncode == 0, done.stderr
    log = (tmp_path / "serve.log").open("wb")
    server = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "mss", "--data", str(tmp_path), "serve", "--workers", "2"),
        env=env,
        stdout=log,
        stderr=log,
    )
    context = ssl.create_default_context(
        cafile=str(tls_files(make_settings(tmp_path, database_url)).ca)
    )
    try:
        for port in (submission, imaps, web, metrics, metrics + 1):
            await wait_for_port(port, server, tmp_path / "serve.log")
        idle = await idle_sessions_in_both_workers(imaps, metrics, context)

        async def send(number: int) -> None:
            async with aiosmtplib.SMTP(
                hostname="localhost", port=submission, start_tls=True, tls_context=context
            ) as client:
                await client.login(USER, PASSWORD)
                for i in range(number, MESSAGES, SENDERS):
                    raw = f"From: <{USER}>\r\nTo: <{USER}>\r\nSubject: m{i}\r\n\r\nm{i}\r\n"
                    await client.sendmail(USER, [USER], raw.encode())

        await asyncio.gather(*(send(n) for n in range(SENDERS)))
        # Every IDLE session, in both workers, hears of every message, so mail submitted to one
        # worker reached sessions of the other (how fast: bench, not a timed test).
        for client in idle:
            await wait_for_exists(client, MESSAGES)
        for client in idle:
            client.idle_done()
            await client.logout()

        subjects, uids = await inbox_subjects_and_uids(imaps, context)
        assert sorted(subjects) == sorted(f"m{i}" for i in range(MESSAGES)), "each one once"
        assert len(set(uids)) == MESSAGES, "UIDs unique across the two workers"

        async with httpx.AsyncClient(verify=context) as web_client:
            for _ in range(6):
                answer = await web_client.get(f"https://localhost:{web}/login")
                assert answer.status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            returncode = await asyncio.wait_for(server.wait(), 30)
        finally:
            if server.returncode is None:
                server.kill()
                await server.wait()
            log.close()
    assert returncode == 0, (tmp_path / "serve.log").read_text()
    assert "(uvloop event loop)" in (tmp_path / "serve.log").read_text()


async def idle_sessions_in_both_workers(
    port: int, metrics: int, context: ssl.SSLContext
) -> list[aioimaplib.IMAP4]:
    """IDLE sessions until each worker's /metrics counts at least one IMAP connection (the
    kernel picks the worker of each connection)."""
    sessions: list[aioimaplib.IMAP4] = []
    for _ in range(40):
        client = aioimaplib.IMAP4_SSL(host="localhost", port=port, timeout=30, ssl_context=context)
        await client.wait_hello_from_server()
        assert (await client.login(USER, PASSWORD)).result == "OK"
        assert (await client.select("INBOX")).result == "OK"
        await client.idle_start(timeout=60)
        sessions.append(client)
        counts = [await imap_connections(metrics + index) for index in (0, 1)]
        if len(sessions) >= 2 and all(count > 0 for count in counts):
            return sessions
    raise AssertionError("the kernel never gave the second worker a connection")


async def imap_connections(port: int) -> float:
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    found = re.search(r'^mss_connections_open\{protocol="imap"\} (\S+)$', text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


async def wait_for_exists(client: aioimaplib.IMAP4, count: int) -> None:
    while True:
        pushed = await asyncio.wait_for(client.wait_server_push(), 30)
        lines = pushed if isinstance(pushed, list) else [pushed]
        for line in lines:
            found = re.match(rb"(\d+) EXISTS", bytes(line))
            if found and int(found.group(1)) >= count:
                return


async def inbox_subjects_and_uids(
    port: int, context: ssl.SSLContext
) -> tuple[list[str], list[int]]:
    client = aioimaplib.IMAP4_SSL(host="localhost", port=port, timeout=30, ssl_context=context)
    await client.wait_hello_from_server()
    await client.login(USER, PASSWORD)
    await client.select("INBOX")
    fetched = await client.fetch("1:*", "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    await client.logout()
    text = b"".join(bytes(line) + b"\n" for line in fetched.lines)
    subjects = [s.decode() for s in re.findall(rb"Subject: (m\d+)", text)]
    uids = [int(u) for u in re.findall(rb"UID (\d+)", text)]
    return subjects, uids
