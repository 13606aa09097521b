"""Fixtures of the webmail tests: SMTP and the webmail serving a professional and two
patients, over the shared ``runtime`` fixture (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser

from mailserver import PASSWORD, start_mail_server
from mss.runtime import Runtime
from mss.store.records import AccountKind
from webmail.service import WebService

from .browser import Tripwire, launch
from .harness import PATIENT_B, Web, quick_settings


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with launch() as launched:
        yield launched


@pytest.fixture
async def tripwire() -> AsyncIterator[Tripwire]:
    wire = Tripwire()
    await wire.start()
    try:
        yield wire
    finally:
        await wire.stop()


@pytest.fixture
async def web(runtime: Runtime) -> AsyncIterator[Web]:
    mail = await start_mail_server(runtime, only=("smtp",))
    created = await runtime.accounts.create_account(
        PATIENT_B, AccountKind.PATIENT, PASSWORD, "Louise Bernard"
    )
    mail.accounts[PATIENT_B] = created.account
    service = WebService(runtime, quick_settings(runtime))
    await service.start()
    web = Web(runtime, mail, service, dict(mail.accounts))
    try:
        yield web
    finally:
        await web.close_clients()
        await service.stop()
        await mail.stop()


@pytest.fixture
async def web_imap(runtime: Runtime) -> AsyncIterator[Web]:
    """The webmail with SMTP and IMAP, for what must reach mail clients (the stolen path)."""
    mail = await start_mail_server(runtime, only=("smtp", "imap"))
    service = WebService(runtime, quick_settings(runtime))
    await service.start()
    web = Web(runtime, mail, service, dict(mail.accounts))
    try:
        yield web
    finally:
        await web.close_clients()
        await service.stop()
        await mail.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Chromium tests run on SQLite only: they test the webmail, whose store calls the httpx
    tests and the storage tests already run on both backends, and a second browser pass over
    PostgreSQL doubled the suite's longest tests."""
    deselected = [item for item in items if _browser_on_postgresql(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not _browser_on_postgresql(item)]


def _browser_on_postgresql(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    uses_browser = "browser" in getattr(item, "fixturenames", ())
    return uses_browser and callspec is not None and callspec.params.get("backend") == "postgresql"
