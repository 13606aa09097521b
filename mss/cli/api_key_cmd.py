"""``mss api-key``: the keys an establishment's program uses to call /api/v1.

Issuing a key needs the account's password: the key keeps its own wrap of the account's private
keys (mss/api/service.py), so the password must unlock them once, here.
"""

from __future__ import annotations

import datetime
from typing import Annotated

import typer

from mss.api.keys import parse_scopes
from mss.cli.common import fail, open_runtime, options, read_password, run
from mss.config import Settings
from mss.store.api_repository import ApiKeyRecord

app = typer.Typer(
    help="API keys of organisation and application accounts (/api/v1).", no_args_is_help=True
)


@app.command("add")
def add(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The organisation or application account.")],
    label: Annotated[str, typer.Option("--label", help="Which program the key is for.")],
    scope: Annotated[
        str, typer.Option("--scope", help="Comma-separated rights: send, status, webhooks.")
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first input line.")
    ] = False,
) -> None:
    """Create an API key (needs the account password); prints it once."""
    try:
        scopes = parse_scopes(scope)
    except ValueError as error:
        raise fail(str(error)) from None
    settings = options(ctx).settings()
    password = (
        read_password(True)
        if password_stdin
        else str(typer.prompt("Account password", hide_input=True))
    )
    text = run(_add(settings, address, password, label, scopes))
    typer.echo(f"API key ({label}) for {address}: {text}")
    typer.echo("it is shown only now; give it to the program as 'Authorization: Bearer <key>'")


async def _add(
    settings: Settings, address: str, password: str, label: str, scopes: frozenset[str]
) -> str:
    async with open_runtime(settings) as runtime:
        unlocked = await runtime.accounts.authenticate(address, password)
        return await runtime.api.issue(unlocked, label, scopes)


@app.command("list")
def list_(ctx: typer.Context, address: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """List an account's keys by identifier (never the keys themselves)."""
    for record in run(_list(options(ctx).settings(), address)):
        created = _when(record.created_at)
        state = "active" if record.revoked_at is None else f"revoked {_when(record.revoked_at)}"
        scopes = ",".join(sorted(record.scopes))
        typer.echo(f"{record.lookup}\t{record.label}\t{scopes}\tcreated {created}\t{state}")


async def _list(settings: Settings, address: str) -> list[ApiKeyRecord]:
    async with open_runtime(settings) as runtime:
        account = await runtime.store.get_account(address.lower())
        if account is None:
            raise fail(f"no account {address}")
        return await runtime.api.list(account.id)


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    identifier: Annotated[str, typer.Argument(help="The key's identifier shown by `list`.")],
) -> None:
    """Revoke a key: it unlocks nothing from now on."""
    if not run(_revoke(options(ctx).settings(), identifier)):
        raise fail(f"no active API key {identifier}")
    typer.echo(f"API key {identifier} revoked")


async def _revoke(settings: Settings, identifier: str) -> bool:
    async with open_runtime(settings) as runtime:
        return await runtime.api.revoke(identifier)


def _when(timestamp: int) -> str:
    return f"{datetime.datetime.fromtimestamp(timestamp, datetime.UTC):%Y-%m-%d %H:%M} UTC"
