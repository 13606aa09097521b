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
