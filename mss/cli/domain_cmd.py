"""``mss domain``: the mail domains this server hosts."""

from __future__ import annotations

from typing import Annotated

import typer

from mss.addresses import normalise_domain
from mss.cli.common import open_runtime, options, run
from mss.config import Settings

app = typer.Typer(help="Domains hosted here.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Domain name, e.g. hopital-exemple.mssante.fr")],
    patient: Annotated[
        bool, typer.Option("--patient", help="A patient domain (mailboxes of patients).")
    ] = False,
) -> None:
    """Host a new domain."""
    settings = options(ctx).settings()
    domain = run(_add(settings, normalise_domain(name), patient))
    typer.echo(f"domain {domain} added" + (" (patients)" if patient else ""))


async def _add(settings: Settings, name: str, patient: bool) -> str:
    async with open_runtime(settings) as runtime:
        return (await runtime.store.add_domain(name, patient)).name


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List the hosted domains."""
    for name, patient in run(_list(options(ctx).settings())):
        typer.echo(f"{name}\t{'patient' if patient else 'professional'}")


async def _list(settings: Settings) -> list[tuple[str, bool]]:
    async with open_runtime(settings) as runtime:
        return [(d.name, d.is_patient) for d in await runtime.store.list_domains()]
