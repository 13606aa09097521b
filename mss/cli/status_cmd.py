"""``mss status``: the operator's view of a server, one figure per line.

Read-only: it opens the database, reads counts, ages and sizes, and changes nothing. What only
the running server knows (its open connections, its local deliveries of the last minutes, which
the store deliberately does not date exactly) is read from its ``/metrics`` listener when
``listen.metrics_port`` is set; otherwise the lines say so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

import httpx
import typer
from prometheus_client.parser import text_string_to_metric_families

from mss.cli.common import open_runtime, options, run
from mss.config import Settings
from mss.metrics.per_minute import MINUTES_KEPT
from mss.queue.schedule import MS, now_ms
from mss.store.clock import now
from mss.store.status_sql import QueueFigures, SqlStatus

CONNECTIONS = "mss_connections_open"
RECENT = "mss_messages_delivered_local_recent"
SCRAPE_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class Status:
    queue: QueueFigures
    relayed: list[int]
    store_bytes: int
    accounts: int
    domains: int
    is_postgres: bool


@dataclass(frozen=True, slots=True)
class Live:
    """What the running server reported, or why nothing was."""

    source: str
    connections: dict[str, int]
    stored: list[int] | None
    unavailable: str = ""


def status(
    ctx: typer.Context,
    minutes: Annotated[
        int,
        typer.Option("--minutes", min=1, max=MINUTES_KEPT, help="Minutes of deliveries to show."),
    ] = 5,
) -> None:
    """Queue, connections, deliveries per minute, store size, accounts and domains."""
    settings = options(ctx).settings()
    figures = run(_read(settings, minutes))
    for line in lines(figures, live(settings), now_ms()):
        typer.echo(line)


async def _read(settings: Settings, minutes: int) -> Status:
    async with open_runtime(settings) as runtime:
        reader = SqlStatus(runtime.database)
        accounts, domains = await reader.counts()
        return Status(
            await reader.queue(),
            await reader.relayed_per_minute(now(), minutes),
            await reader.store_bytes(),
            accounts,
            domains,
            runtime.database.is_postgres,
        )


def lines(status: Status, server: Live, at_ms: int) -> list[str]:
    queue = status.queue
    oldest = "none" if queue.oldest_ms is None else _age((at_ms - queue.oldest_ms) // MS)
    store = "PostgreSQL database" if status.is_postgres else "SQLite file with its WAL"
    result = [
        f"queue: {queue.messages} messages waiting",
        f"queue: {queue.pending} recipients pending (not tried yet)",
        f"queue: {queue.deferred} recipients deferred (waiting for a retry)",
        f"queue: oldest waiting message queued {oldest}",
    ]
    if server.unavailable:
        result.append(f"connections: {server.unavailable}")
    else:
        shown = ", ".join(
            f"{count} {protocol.upper()}" for protocol, count in sorted(server.connections.items())
        )
        result.append(
            f"connections: {shown or 'none open'} (from {server.source}; "
            "webmail sessions are not counted)"
        )
    for ago, relayed in enumerate(status.relayed):
        label = "the current minute" if ago == 0 else f"{ago} min ago"
        stored = "" if server.stored is None else f"{server.stored[ago]} stored locally, "
        result.append(f"deliveries {label}: {stored}{relayed} relayed")
    if server.stored is None:
        result.append(f"local deliveries per minute: {server.unavailable}")
    result += [
        f"store size: {status.store_bytes} bytes ({store})",
        f"accounts: {status.accounts}",
        f"domains: {status.domains}",
    ]
    return result


def _age(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


def live(settings: Settings) -> Live:
    """The running server's connections and recent deliveries, from its /metrics listener."""
    listen = settings.listen
    if not listen.metrics_port:
        return Live(
            "",
            {},
            None,
            "known only to the running server; set listen.metrics_port to read them",
        )
    url = f"http://{listen.metrics_host}:{listen.metrics_port}/metrics"
    logging.getLogger("httpx").setLevel(logging.WARNING)  # stdout is the report, stderr errors
    try:
        response = httpx.get(url, timeout=SCRAPE_TIMEOUT_SECONDS, trust_env=False)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        return Live(url, {}, None, f"the server's {url} did not answer ({type(exc).__name__})")
    connections: dict[str, int] = {}
    stored = [0] * MINUTES_KEPT
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if family.name == CONNECTIONS:
                connections[sample.labels["protocol"]] = int(sample.value)
            elif family.name == RECENT:
                stored[int(sample.labels["minutes_ago"])] = int(sample.value)
    return Live(url, connections, stored)
