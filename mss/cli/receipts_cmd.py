"""``mss receipts show``: what became of a message an account sent, for the operator.

The operator sees states and their times only: whom each state concerns is sealed to the sender
(mss/receipts/tracking.py), and no content is ever read.
"""

from __future__ import annotations

import datetime
from typing import Annotated

import typer

from mss.addresses import InvalidAddress, normalise_address
from mss.cli.common import fail, open_runtime, options, run
from mss.config import Settings

app = typer.Typer(help="Delivery tracking of sent messages (status only).", no_args_is_help=True)


@app.command("show")
def show(
    ctx: typer.Context,
    message_id: Annotated[str, typer.Argument(help="The Message-ID, with or without <>.")],
    account: Annotated[str, typer.Option("--account", help="The sending account.")],
) -> None:
    """Print each state reported for a sent message, oldest first."""
    states = run(_states(options(ctx).settings(), account, message_id))
    if not states:
        typer.echo(f"no tracking for {message_id} sent by {account}")
        return
    for state, at in states:
        moment = datetime.datetime.fromtimestamp(at, datetime.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        typer.echo(f"{moment}\t{state}")


async def _states(settings: Settings, address: str, message_id: str) -> list[tuple[str, int]]:
    async with open_runtime(settings) as runtime:
        try:
            account = await runtime.store.get_account(normalise_address(address))
        except InvalidAddress:
            account = None
        if account is None:
            raise fail(f"no account {address}")
        return await runtime.tracking.states(account, message_id)
