"""``mss trust``: the other operators of the trust space we exchange mail with.

Peers added here live in the database and reach running servers within seconds; peers of the
configuration file (``[[trust]]``) are listed too but changed only in the file. The national
whitelist (``import-whitelist``) adds the domains it lists, identified by the health PKI.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mss.cli.common import fail, open_runtime, options, run
from mss.config import Settings
from mss.store.trust_sql import SqlTrustStore
from mss.trust import Peer, TrustRegistry
from mss.whitelist import Changes, changes_between, check_removals, parse_whitelist
from mss.whitelist_fetch import read_source

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


@app.command("import-whitelist")
def import_whitelist(
    ctx: typer.Context,
    source: Annotated[
        str | None,
        typer.Argument(help="The whitelist: a file or an https:// URL (default: the agency's)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would change; change nothing.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Import even if it removes more than the allowed share."),
    ] = False,
) -> None:
    """Keep the whitelisted domains in step with the national whitelist (all or nothing)."""
    settings = options(ctx).settings()
    generated, changes = run(
        _import_whitelist(settings, source or settings.trust_space.whitelist_url, dry_run, force)
    )
    verb = "would change" if dry_run else "imported"
    typer.echo(f"whitelist generated {generated or '(undated)'}: {verb}: {changes.summary()}")
    for line in changes.lines():
        typer.echo(line)


async def _import_whitelist(
    settings: Settings, source: str, dry_run: bool, force: bool
) -> tuple[str, Changes]:
    space = settings.trust_space
    ca_bundle = settings.data_path(space.ca_bundle) if space.ca_bundle is not None else None
    whitelist = parse_whitelist(read_source(source, ca_bundle))

    def check(changes: Changes) -> None:
        check_removals(changes, space.max_removed_share, force)

    async with open_runtime(settings) as runtime:
        store = SqlTrustStore(runtime.database, runtime.store.committer).whitelist
        if dry_run:
            changes = changes_between(await store.entries(), whitelist.entries)
            check(changes)
        else:
            changes = await store.replace(whitelist.entries, check)
    return whitelist.generated, changes


@app.command("whitelist")
def whitelist(
    ctx: typer.Context,
    domain: Annotated[
        str | None, typer.Argument(help="Show the operator certificates allowed for this domain.")
    ] = None,
) -> None:
    """What the last imported whitelist holds: a summary, or one domain's operator DNs."""
    entries = run(_whitelist(options(ctx).settings()))
    if domain is None:
        operators = {key for keys in entries.values() for key in keys}
        typer.echo(f"{len(entries)} whitelisted domains, {len(operators)} operator certificates")
        return
    name = domain.strip().rstrip(".").lower()
    if name not in entries:
        raise fail(f"{name} is not in the whitelist")
    for dn in sorted(entries[name].values()):
        typer.echo(dn)


async def _whitelist(settings: Settings) -> dict[str, dict[str, str]]:
    async with open_runtime(settings) as runtime:
        return await SqlTrustStore(runtime.database, runtime.store.committer).whitelist.entries()
