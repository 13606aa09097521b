"""``mss account``, ``mss app-password`` and ``mss passwd``."""

from __future__ import annotations

import datetime
from typing import Annotated

import typer

from mss.cli.common import fail, open_runtime, options, read_password, run
from mss.config import Settings
from mss.store.records import AccountKind, Credential

app = typer.Typer(help="Mail accounts.", no_args_is_help=True)
app_password = typer.Typer(
    help="Application passwords: one per mail client or device, revocable.", no_args_is_help=True
)

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first input line.")
]


@app.command("add")
def add(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The new mailbox address.")],
    kind: Annotated[AccountKind, typer.Option("--kind", help="Who owns the mailbox.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")] = "",
    password_stdin: PasswordStdin = False,
) -> None:
    """Create an account; prints its recovery key, once."""
    settings = options(ctx).settings()
    password = read_password(password_stdin)
    created, recovery = run(_add(settings, address, kind, password, name))
    typer.echo(f"account {created} created")
    typer.echo(f"recovery key (shown only now; keep it offline): {recovery}")


async def _add(
    settings: Settings, address: str, kind: AccountKind, password: str, name: str
) -> tuple[str, str]:
    async with open_runtime(settings) as runtime:
        created = await runtime.accounts.create_account(address, kind, password, name)
        return created.account.address, created.recovery_key


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List accounts."""
    for address, kind in run(_list(options(ctx).settings())):
        typer.echo(f"{address}\t{kind}")


async def _list(settings: Settings) -> list[tuple[str, str]]:
    async with open_runtime(settings) as runtime:
        return [(a.address, a.kind.value) for a in await runtime.store.list_accounts()]


def passwd(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The account.")],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the current password (or recovery key), then the new one, from stdin.",
        ),
    ] = False,
) -> None:
    """Change an account's password (its keys are re-wrapped; no mail is re-encrypted).

    The current password, an app password or the recovery key proves the right to do it.
    """
    settings = options(ctx).settings()
    if password_stdin:
        current = read_password(True)
        new = read_password(True)
    else:
        current = str(typer.prompt("Current password or recovery key", hide_input=True))
        new = read_password(False, "New password")
    run(_passwd(settings, address, current, new))
    typer.echo(f"password of {address} changed")


async def _passwd(settings: Settings, address: str, current: str, new: str) -> None:
    async with open_runtime(settings) as runtime:
        unlocked = await runtime.accounts.authenticate(address, current)
        await runtime.accounts.change_password(unlocked, new)


@app_password.command("add")
def app_password_add(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The account.")],
    label: Annotated[str, typer.Option("--label", help="Which client or device it is for.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Create an app password (needs the account password); prints it once."""
    settings = options(ctx).settings()
    password = (
        read_password(True)
        if password_stdin
        else str(typer.prompt("Account password", hide_input=True))
    )
    credential_id, token = run(_app_add(settings, address, password, label))
    typer.echo(f"app password {credential_id} ({label}) for {address}: {token}")
    typer.echo("it is shown only now; use it as the password in the mail client")


async def _app_add(settings: Settings, address: str, password: str, label: str) -> tuple[int, str]:
    async with open_runtime(settings) as runtime:
        unlocked = await runtime.accounts.authenticate(address, password)
        credential, token = await runtime.accounts.add_app_password(unlocked, label)
        return credential.id, token


@app_password.command("list")
def app_password_list(
    ctx: typer.Context, address: Annotated[str, typer.Argument(help="The account.")]
) -> None:
    """List an account's app passwords (never the passwords themselves)."""
    for credential in run(_app_list(options(ctx).settings(), address)):
        created = datetime.datetime.fromtimestamp(credential.created_at, datetime.UTC)
        typer.echo(f"{credential.id}\t{credential.label}\tcreated {created:%Y-%m-%d %H:%M} UTC")


async def _app_list(settings: Settings, address: str) -> list[Credential]:
    async with open_runtime(settings) as runtime:
        account = await runtime.store.get_account(address.lower())
        if account is None:
            raise fail(f"no account {address}")
        return await runtime.accounts.list_app_passwords(account.id)


@app_password.command("revoke")
def app_password_revoke(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The account.")],
    credential_id: Annotated[int, typer.Argument(help="The id shown by `list`.")],
) -> None:
    """Revoke an app password: it stops unlocking the account at once."""
    run(_app_revoke(options(ctx).settings(), address, credential_id))
    typer.echo(f"app password {credential_id} of {address} revoked")


async def _app_revoke(settings: Settings, address: str, credential_id: int) -> None:
    async with open_runtime(settings) as runtime:
        account = await runtime.store.get_account(address.lower())
        if account is None:
            raise fail(f"no account {address}")
        await runtime.accounts.revoke_app_password(account.id, credential_id)
