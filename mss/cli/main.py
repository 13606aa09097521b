"""Entry point of the ``mss`` command."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from directory import cli as directory_cli
from mss.cli import (
    account_cmd,
    api_key_cmd,
    domain_cmd,
    init_cmd,
    queue_cmd,
    receipts_cmd,
    serve_cmd,
    sign_cmd,
    status_cmd,
    trust_cmd,
)
from mss.cli.common import Options, fail, options
from mss.config import ConfigError

app = typer.Typer(
    name="mss",
    help="MSS secure health messaging server: operator commands.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    data: Annotated[
        Path | None,
        typer.Option("--data", envvar="MSS_DATA", help="Data directory (or MSS_DATA)."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Configuration file (default: DATA/mss.toml)."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    ctx.obj = Options(data, config)


app.command("init")(init_cmd.init)
app.add_typer(domain_cmd.app, name="domain")
app.add_typer(account_cmd.app, name="account")
app.add_typer(account_cmd.app_password, name="app-password")
app.command("passwd")(account_cmd.passwd)
app.add_typer(queue_cmd.app, name="queue")
app.add_typer(directory_cli.app, name="directory", help="The professional directory.")


@directory_cli.app.callback()
def directory_database(ctx: typer.Context) -> None:
    """The directory commands use this server's database unless --database-url says otherwise."""
    if not os.environ.get("MSS_DATABASE_URL"):
        try:
            os.environ["MSS_DATABASE_URL"] = options(ctx).settings().effective_database_url
        except ConfigError as exc:
            raise fail(str(exc)) from None


app.add_typer(trust_cmd.app, name="trust")
app.add_typer(sign_cmd.app, name="sign")
app.add_typer(api_key_cmd.app, name="api-key")
app.add_typer(receipts_cmd.app, name="receipts")
app.command("serve")(serve_cmd.serve)
app.command("demo")(serve_cmd.demo)
app.command("status")(status_cmd.status)
