"""SMTP submission throughput: N messages over K concurrent TLS + AUTH connections.

    .venv/bin/python bench/smtp_ingest.py [--count N] [--connections K] [--postgres URL]
                                          [--stores sqlite,postgresql]

Runs ``mss serve`` as a separate process (as in production: client and server do not share an
interpreter), creates one sender and one recipient, then submits 4 KiB and 100 KiB messages
through STARTTLS + AUTH PLAIN with aiosmtplib. Prints messages per second, the p50/p99
latency of the reply to the end of DATA (which MSS sends only after the commit: durable), and
the server's CPU time per message (from /proc: on a machine shared with other work, the figure
that other processes disturb least).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import ssl
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiosmtplib
import asyncpg

from mss.store.pgnotify import asyncpg_dsn

PASSWORD = "correct horse battery"
SENDER = "bench.sender@hopital.example"
RECIPIENT = "bench.recipient@hopital.example"


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
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await process.communicate(stdin)
    if process.returncode:
        raise RuntimeError(errors.decode())


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (proc(5), fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make_message(size: int) -> bytes:
    head = (
        f"From: <{SENDER}>\r\nTo: <{RECIPIENT}>\r\nSubject: bench\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@hopital.example>\r\n\r\n"
    ).encode()
    line = b"Compte rendu: examen clinique normal, constantes stables, suite du traitement.\r\n"
    return head + (line * (size // len(line) + 1))[: size - len(head)]


async def run(
    database_url: str, count: int, connections: int
) -> list[tuple[int, float, float, float, float]]:
    data = Path(tempfile.mkdtemp(prefix="mss-bench-smtp-"))
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MSS_")},
        "MSS_SECURITY__ARGON2": "minimum",
        "MSS_SECURITY__ALLOW_MINIMUM_ARGON2": "true",
        "MSS_SMTP__MESSAGES_PER_HOUR": str(10 * count),
        "MSS_LISTEN__SUBMISSION_PORT": str(port),
        "MSS_LISTEN__MX_PORT": str(free_port()),
        "MSS_LISTEN__SUBMISSIONS_PORT": str(free_port()),
        "MSS_LISTEN__IMAP_PORT": str(free_port()),
        "MSS_LISTEN__IMAPS_PORT": str(free_port()),
        "MSS_LISTEN__WEB_PORT": str(free_port()),
    }
    if database_url:
        env["MSS_DATABASE_URL"] = database_url
    await mss(data, env, "init")
    await mss(data, env, "domain", "add", "hopital.example")
    for address in (SENDER, RECIPIENT):
        await mss(
            data,
            env,
            "account",
            "add",
            address,
            "--kind",
            "professional",
            "--password-stdin",
            stdin=f"{PASSWORD}\n".encode(),
        )
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mss",
        "--data",
        str(data),
        "serve",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    context = ssl.create_default_context(cafile=str(data / "tls" / "ca.pem"))
    results = []
    try:
        await wait_for(port)
        print(f"server pid {server.pid}", flush=True)
        for size in (4096, 100 * 1024):
            message = make_message(size)
            latencies: list[float] = []

            async def connection(share: int, message: bytes, latencies: list[float]) -> None:
                async with aiosmtplib.SMTP(
                    hostname="localhost", port=port, start_tls=True, tls_context=context
                ) as client:
                    await client.login(SENDER, PASSWORD)
                    for _ in range(share):
                        await client.mail(SENDER)
                        await client.rcpt(RECIPIENT)
                        started = time.perf_counter()
                        await client.data(message)
                        latencies.append(time.perf_counter() - started)

            started = time.perf_counter()
            cpu = cpu_seconds(server.pid)
            await asyncio.gather(
                *(connection(count // connections, message, latencies) for _ in range(connections))
            )
            elapsed = time.perf_counter() - started
            cpu = cpu_seconds(server.pid) - cpu
            latencies.sort()
            results.append(
                (
                    size,
                    len(latencies) / elapsed,
                    statistics.median(latencies),
                    latencies[int(len(latencies) * 0.99) - 1],
                    cpu / len(latencies),
                )
            )
    finally:
        server.send_signal(signal.SIGTERM)
        await server.wait()
    return results


async def wait_for(port: int) -> None:
    for _ in range(600):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise TimeoutError(f"mss serve did not listen on {port}")


async def postgres_database(url: str) -> str:
    name = f"mss_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(asyncpg_dsn(url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return url.rsplit("/", 1)[0] + "/" + name


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--postgres", default=os.environ.get("MSS_TEST_POSTGRES_URL", ""))
    parser.add_argument("--stores", default="sqlite,postgresql", help="which stores to measure")
    args = parser.parse_args()
    wanted = args.stores.split(",")
    stores = {"sqlite": ""} if "sqlite" in wanted else {}
    if args.postgres and "postgresql" in wanted:
        stores["postgresql"] = await postgres_database(args.postgres)
    print(
        f"{args.count} messages per size over {args.connections} TLS+AUTH connections, "
        f"{os.cpu_count()} cores"
    )
    print(
        f"{'store':<11} {'size':>6} {'msg/s':>7} {'p50 DATA':>9} {'p99 DATA':>9} "
        f"{'server CPU/msg':>15}"
    )
    for name, url in stores.items():
        for size, rate, p50, p99, cpu in await run(url, args.count, args.connections):
            print(
                f"{name:<11} {size // 1024:>4}Ki {rate:>7.0f} {p50 * 1000:>7.1f}ms "
                f"{p99 * 1000:>7.1f}ms {cpu * 1000:>13.2f}ms"
            )


if __name__ == "__main__":
    asyncio.run(main())
