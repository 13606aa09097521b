"""``mss status``: the operator's view of a server, one figure per line.

Read-only: it opens the database, reads counts, ages and sizes, and changes nothing. What only
the running server knows (its open connections) is read from its ``/metrics`` listener when
``listen.metrics_port`` is set; otherwise the line says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import httpx
import typer
from prometheus_client.parser import text_string_to_metric_families

from mss.cli.common import open_runtime, options, run
from mss.config import Settings
from mss.queue.schedule import MS, now_ms
from mss.store.clock import now
from mss.store.status_sql import MinuteFigures, QueueFigures, SqlStatus

CONNECTIONS_GAUGE = "mss_connections_open"
SCRAPE_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class Status:
    queue: QueueFigures
    minutes: list[MinuteFigures]
    store_bytes: int
    accounts: int
    domains: int
    is_postgres: bool


def status(
    ctx: typer.Context,
    minutes: Annotated[
        int, typer.Option("--minutes", min=1, max=60, help="Minutes of deliveries to show.")
    ] = 5,
) -> None:
    """Queue, connections, deliveries per minute, store size, accounts and domains."""
    settings = options(ctx).settings()
    figures = run(_read(settings, minutes))
    for line in lines(figures, now_ms()):
        typer.echo(line)
    typer.echo(connections_line(settings))


async def _read(settings: Settings, minutes: int) -> Status:
    async with open_runtime(settings) as runtime:
        reader = SqlStatus(runtime.database)
        accounts, domains = await reader.counts()
        return Status(
            await reader.queue(),
            await reader.per_minute(now(), minutes),
            await reader.store_bytes(),
            accounts,
            domains,
            runtime.database.is_postgres,
        )


def lines(status: Status, at_ms: int) -> list[str]:
    queue = status.queue
    oldest = "none" if queue.oldest_ms is None else _age((at_ms - queue.oldest_ms) // MS)
    store = "PostgreSQL database" if status.is_postgres else "SQLite file with its WAL"
    result = [
        f"queue: {queue.messages} messages waiting",
        f"queue: {queue.pending} recipients pending (not tried yet)",
        f"queue: {queue.deferred} recipients deferred (waiting for a retry)",
        f"queue: oldest waiting message queued {oldest}",
    ]
    for minute in status.minutes:
        label = "the last minute" if minute.minutes_ago == 0 else f"{minute.minutes_ago} min ago"
        result.append(
            f"deliveries {label}: {minute.stored} stored locally, {minute.relayed} relayed"
        )
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


def connections_line(settings: Settings) -> str:
    """Open connections by protocol, as the running server's /metrics listener reports them."""
    listen = settings.listen
    if listen.metrics_port is None or listen.metrics_port == 0:
        return (
            "connections: known only to the running server; set listen.metrics_port to read "
            "them from its /metrics listener"
        )
    url = f"http://{listen.metrics_host}:{listen.metrics_port}/metrics"
    try:
        response = httpx.get(url, timeout=SCRAPE_TIMEOUT_SECONDS, trust_env=False)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        return f"connections: the server's {url} did not answer ({type(exc).__name__})"
    counts = {
        sample.labels["protocol"]: int(sample.value)
        for family in text_string_to_metric_families(response.text)
        if family.name == CONNECTIONS_GAUGE
        for sample in family.samples
    }
    shown = ", ".join(f"{count} {protocol.upper()}" for protocol, count in sorted(counts.items()))
    return f"connections: {shown or 'none open'} (from {url}; webmail sessions are not counted)"
