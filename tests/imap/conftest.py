"""A real IMAP server on port 0 for each test, over the shared ``runtime`` fixture."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator

import pytest

from mss.imap.session.server import ImapService
from mss.runtime import Runtime
from mss.store.records import AccountKind
from mss.tls import make_development_pki, server_context, tls_files

from .harness import DOMAIN, PASSWORD, USER, Harness, quick_settings


@pytest.fixture
async def imap(runtime: Runtime) -> AsyncIterator[Harness]:
    files = tls_files(runtime.settings)
    make_development_pki(files, "localhost")
    service = ImapService(runtime, quick_settings(runtime), server_context(files))
    await service.start()
    await runtime.store.add_domain(DOMAIN)
    created = await runtime.accounts.create_account(USER, AccountKind.PROFESSIONAL, PASSWORD)
    client = ssl.create_default_context(cafile=str(files.ca))
    try:
        yield Harness(service, runtime, created.account, client)
    finally:
        await service.stop()
