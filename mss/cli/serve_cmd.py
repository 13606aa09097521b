"""``mss serve`` and ``mss demo``."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mss.cli.common import fail, open_runtime, options, run, server_loop
from mss.cli.init_cmd import initialise
from mss.cli.workers import WorkersRefused, check_workers, supervise
from mss.config import Settings, load_settings
from mss.store.records import AccountKind

if TYPE_CHECKING:
    from mss.runtime import Runtime

DEMO_MARKER = ".mss-demo"
DEMO_DOMAIN = "demo.mss.localhost"
DEMO_PATIENT_DOMAIN = "patient.demo.mss.localhost"
DEMO_PROFESSIONAL = f"jeanne.martin@{DEMO_DOMAIN}"
DEMO_PATIENT_INS = "285057512345623"  # a test NIR: 13 digits and its key 97 - (N mod 97)
DEMO_PATIENT = f"{DEMO_PATIENT_INS}@{DEMO_PATIENT_DOMAIN}"


def serve(
    ctx: typer.Context,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Processes sharing the ports (SO_REUSEPORT); more than 1 needs PostgreSQL.",
        ),
    ] = 1,
) -> None:
    """Run every enabled service until interrupted (Ctrl-C or SIGTERM)."""
    given = options(ctx)
    settings = given.settings()
    if workers > 1:
        try:
            check_workers(settings, workers)
        except WorkersRefused as exc:
            raise fail(str(exc)) from None
        raise typer.Exit(supervise(settings, workers, given.data, given.config, dict(os.environ)))
    name, loop_factory = server_loop()
    run(serve_until_stopped(settings, loop_name=name), loop_factory)


async def serve_until_stopped(
    settings: Settings, banner: list[str] | None = None, loop_name: str = "asyncio"
) -> None:
    from mss.services import build_services, tune_tls_read_buffer  # every front end: only here

    tune_tls_read_buffer()
    async with open_runtime(settings) as runtime:
        services = build_services(runtime)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        started = []
        try:
            for service in services:
                await service.start()
                started.append(service)
            for line in banner or []:
                typer.echo(line)
            for service in started:
                for line in service.describe():
                    typer.echo(f"  {service.name}: {line}")
            if not started:
                typer.echo("no service is enabled or available; nothing to serve")
            typer.echo(f"MSS is running ({loop_name} event loop); press Ctrl-C to stop.", err=True)
            await stop.wait()
        finally:
            for service in reversed(started):
                await service.stop()


def demo(
    ctx: typer.Context,
    keep: Annotated[
        bool,
        typer.Option("--keep", help="Keep an existing demo directory instead of resetting it."),
    ] = False,
) -> None:
    """Initialise a demo server (a professional and a patient) and serve it.

    Uses --data (default ./mss-demo-data). A previous demo directory is reset unless --keep.
    """
    data_dir = options(ctx).data or Path("mss-demo-data")
    if data_dir.exists() and (data_dir / DEMO_MARKER).exists() and not keep:
        shutil.rmtree(data_dir)
    elif data_dir.exists() and any(data_dir.iterdir()) and not (data_dir / DEMO_MARKER).exists():
        raise typer.BadParameter(
            f"{data_dir} holds data that is not a demo: choose another --data directory",
            param_hint="--data",
        )
    fresh = not (data_dir / DEMO_MARKER).exists()
    initialise(data_dir, "mss.localhost", "interactive")
    (data_dir / DEMO_MARKER).write_text("created by `mss demo`; reset by the next `mss demo`\n")
    settings = load_settings(data_dir)
    banner = run(_populate(settings)) if fresh else ["demo kept: accounts as before"]
    name, loop_factory = server_loop()
    run(serve_until_stopped(settings, banner, name), loop_factory)


async def _populate(settings: Settings) -> list[str]:
    professional_password = secrets.token_urlsafe(12)
    patient_password = secrets.token_urlsafe(12)
    async with open_runtime(settings) as runtime:
        await runtime.store.add_domain(DEMO_DOMAIN)
        await runtime.store.add_domain(DEMO_PATIENT_DOMAIN, is_patient=True)
        professional = await runtime.accounts.create_account(
            DEMO_PROFESSIONAL, AccountKind.PROFESSIONAL, professional_password, "Dr Jeanne Martin"
        )
        patient = await runtime.accounts.create_account(
            DEMO_PATIENT, AccountKind.PATIENT, patient_password, "Camille Durand"
        )
        await _welcome(runtime, patient.account.address)
    return [
        f"MSS demo, data in {settings.data_dir}",
        f"  professional: {DEMO_PROFESSIONAL}  password: {professional_password}",
        f"    recovery key: {professional.recovery_key}",
        f"  patient:      {DEMO_PATIENT}  password: {patient_password}",
        f"    recovery key: {patient.recovery_key}",
        f"  development CA (trust it in mail clients): {settings.data_path(settings.tls.ca)}",
    ]


async def _welcome(runtime: Runtime, patient_address: str) -> None:
    account = await runtime.store.get_account(patient_address)
    assert account is not None
    message = (
        f"From: Dr Jeanne Martin <{DEMO_PROFESSIONAL}>\r\n"
        f"To: Camille Durand <{patient_address}>\r\n"
        "Subject: =?utf-8?q?Bienvenue_dans_votre_messagerie_s=C3=A9curis=C3=A9e?=\r\n"
        "Date: Mon, 23 Nov 2026 09:00:00 +0100\r\n"
        f"Message-ID: <welcome.{secrets.token_hex(8)}@{DEMO_DOMAIN}>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        "Bonjour,\r\n\r\nVos échanges avec votre équipe de soins arrivent ici, chiffrés.\r\n"
        "\r\nDr Jeanne Martin\r\n"
    ).encode()
    from mss.delivery import deliver

    await deliver(runtime.store, account, "INBOX", message)
