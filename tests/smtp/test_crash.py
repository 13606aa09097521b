"""``kill -9`` of ``mss serve`` during a burst from 8 connections: every message that got its
250 is stored and decrypts afterwards."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import ssl
import sys
from pathlib import Path

import aiosmtplib

from mailserver import read_mailbox
from mss.runtime import Runtime
from mss.tls import tls_files
from processes import wait_for_port
from support import make_settings

PASSWORD = "correct horse battery"
SENDER = "a@hopital.example"
ACKS_BEFORE_KILL = 80


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def mss(data: Path, env: dict[str, str], *args: str, stdin: bytes = b"") -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mss",
        "--data",
        str(data),
        *args,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
    )
    _, errors = await process.communicate(stdin)
    assert process.returncode == 0, errors.decode()


async def test_every_acknowledged_message_survives_kill_9(
    tmp_path: Path, database_url: str
) -> None:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MSS_")},
        "MSS_DATABASE_URL": database_url,
        "MSS_SECURITY__ARGON2": "minimum",
        "MSS_SECURITY__ALLOW_MINIMUM_ARGON2": "true",
        "MSS_LISTEN__SUBMISSION_PORT": str(port),
        **{f"MSS_SERVICES__{name}": "false" for name in ("IMAP", "WEB", "QUEUE")},
        "MSS_LISTEN__MX_PORT": str(free_port()),
        "MSS_LISTEN__SUBMISSIONS_PORT": str(free_port()),
    }
    await mss(tmp_path, env, "init")
    await mss(tmp_path, env, "domain", "add", "hopital.example")
    await mss(
        tmp_path,
        env,
        "account",
        "add",
        SENDER,
        "--kind",
        "professional",
        "--password-stdin",
        stdin=f"{PASSWORD}\n".encode(),
    )
    log = (tmp_path / "serve.log").open("wb")
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mss",
        "--data",
        str(tmp_path),
        "serve",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log,
    )
    acknowledged: list[str] = []
    context = ssl.create_default_context(
        cafile=str(tls_files(make_settings(tmp_path, database_url)).ca)
    )
    try:
        await wait_for_port(port, server, tmp_path / "serve.log")

        async def connection(number: int) -> None:
            async with aiosmtplib.SMTP(
                hostname="localhost", port=port, start_tls=True, tls_context=context
            ) as client:
                await client.login(SENDER, PASSWORD)
                for i in range(10_000):
                    subject = f"burst-{number}-{i}"
                    raw = (
                        f"From: <{SENDER}>\r\nTo: <{SENDER}>\r\nSubject: {subject}\r\n\r\n"
                        f"{subject}\r\n"
                    ).encode()
                    await client.sendmail(SENDER, [SENDER], raw)
                    acknowledged.append(subject)

        tasks = [asyncio.create_task(connection(n)) for n in range(8)]
        while len(acknowledged) < ACKS_BEFORE_KILL:
            await asyncio.sleep(0.01)
            assert not any(t.done() for t in tasks), [t.exception() for t in tasks if t.done()]
        server.send_signal(signal.SIGKILL)
        await server.wait()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
        log.close()

    # The test extra installs uvloop (the `speed` extra), so the server ran on it (issue 17).
    assert b"(uvloop event loop)" in (tmp_path / "serve.log").read_bytes()
    runtime = await Runtime.open(make_settings(tmp_path, database_url))
    try:
        stored = await read_mailbox(runtime, SENDER, password=PASSWORD)
        subjects = {
            line.split(b": ", 1)[1].decode()
            for raw in stored
            for line in raw.split(b"\r\n")
            if line.startswith(b"Subject: ")
        }
        assert len(acknowledged) >= ACKS_BEFORE_KILL
        assert set(acknowledged) <= subjects
    finally:
        await runtime.close()
