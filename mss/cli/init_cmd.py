"""``mss init``: data directory, configuration file, development TLS, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mss.cli.common import open_runtime, options, run
from mss.config import CONFIG_FILE_NAME, Settings, load_settings
from mss.tls import make_development_pki, tls_files

CONFIG_TEMPLATE = """\
# MSS configuration. Every key can also be set as an MSS_* environment variable
# (sections with a double underscore: MSS_LISTEN__WEB_PORT=8081).
hostname = "{hostname}"
# database_url = "postgresql+asyncpg://mss@db.example/mss"   (default: SQLite in this directory)

[security]
argon2 = "{argon2}"
"""


def init(
    ctx: typer.Context,
    hostname: Annotated[str, typer.Option(help="The server's host name.")] = "mss.localhost",
    argon2: Annotated[
        str, typer.Option(help="Password hashing cost: moderate, or interactive on small machines.")
    ] = "moderate",
) -> None:
    """Create the data directory, a configuration file, development certificates, the schema.

    Safe to run again: existing files are kept and the schema is migrated to the latest version.
    """
    opts = options(ctx)
    if opts.data is None:
        raise typer.BadParameter("pass --data DIR or set MSS_DATA", param_hint="--data")
    settings = initialise(opts.data, hostname, argon2, opts.config)
    typer.echo(f"data directory ready: {settings.data_dir}")


def initialise(
    data_dir: Path, hostname: str, argon2: str, config_file: Path | None = None
) -> Settings:
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    target = config_file or data_dir / CONFIG_FILE_NAME
    if not target.exists():
        target.write_text(CONFIG_TEMPLATE.format(hostname=hostname, argon2=argon2))
    settings = load_settings(data_dir, config_file)
    files = tls_files(settings)
    if not files.cert.exists():
        make_development_pki(files, settings.hostname)
    from mss.signatures.pki import SigningAuthority  # pyHanko's stack: only when initialising

    SigningAuthority(settings.data_path(Path("keys")), settings.hostname)
    run(_migrate(settings))
    return settings


async def _migrate(settings: Settings) -> None:
    async with open_runtime(settings, check=False) as runtime:
        from mss.store.migrate import upgrade  # alembic: only when creating or migrating

        await upgrade(runtime.database)
