"""``mss trust``: the other operators of the trust space we exchange mail with.

Peers added here live in the database and reach running servers within seconds; peers of the
configuration file (``[[trust]]``) are listed too but changed only in the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mss.cli.common import open_runtime, options, run
from mss.config import Settings
from mss.store.trust_sql import SqlTrustStore
from mss.trust import Peer, TrustRegistry

if TYPE_CHECKING:
    from mss.runtime import Runtime

app = typer.Typer(
    help="The trust space: operators we relay to and accept mail from.", no_args_is_help=True
)


def _registry(runtime: Runtime) -> TrustRegistry:
    return TrustRegistry(runtime.settings, SqlTrustStore(runtime.database, runtime.store.committer))


@app.command("add")
def add(
    ctx: typer.Context,
    domain: Annotated[str, typer.Argument(help="The operator's mail domain.")],
    host: Annotated[str, typer.Option("--host", help="Host name or address of its MX.")],
    cert: Annotated[
        Path,
        typer.Option(
            "--cert",
            help="PEM of its CA or of its certificate: what its TLS certificates must match.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    port: Annotated[int, typer.Option("--port", help="Port of its MX.")] = 25,
) -> None:
    """Trust an operator: relay to DOMAIN at HOST:PORT and accept mail from it (mutual TLS)."""
    peer = run(_add(options(ctx).settings(), domain, host, port, cert.read_bytes()))
    typer.echo(f"{peer.domain} trusted: relaying to {peer.host}:{peer.port}")


async def _add(settings: Settings, domain: str, host: str, port: int, pem: bytes) -> Peer:
    async with open_runtime(settings) as runtime:
        return await _registry(runtime).add(domain, host, port, pem)


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List trusted operators: domain, MX, and where the entry comes from."""
    peers = run(_list(options(ctx).settings()))
    for peer in peers:
        typer.echo(f"{peer.domain}\t{peer.host}:{peer.port}\t{peer.source}")
    if not peers:
        typer.echo("no trusted operator yet: add one with `mss trust add`")


async def _list(settings: Settings) -> list[Peer]:
    async with open_runtime(settings) as runtime:
        return await _registry(runtime).all()


@app.command("remove")
def remove(
    ctx: typer.Context, domain: Annotated[str, typer.Argument(help="The operator's domain.")]
) -> None:
    """Stop trusting an operator: mail to or from it is refused from now on."""
    run(_remove(options(ctx).settings(), domain))
    typer.echo(f"{domain} removed from the trust space")


async def _remove(settings: Settings, domain: str) -> None:
    async with open_runtime(settings) as runtime:
        await _registry(runtime).remove(domain)
