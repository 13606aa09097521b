"""Fixtures of the receipts tests: a running server with its SMTP and IMAP listeners."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mailserver import MailServer, start_mail_server
from mss.imap.session.server import ImapService
from mss.imap.session.settings import ImapSettings
from mss.runtime import Runtime
from mss.tls import server_context, tls_files


@pytest.fixture
async def server(runtime: Runtime) -> AsyncIterator[MailServer]:
    started = await start_mail_server(runtime, only=("smtp",))
    try:
        yield started
    finally:
        await started.stop()


@pytest.fixture
async def imap(server: MailServer) -> AsyncIterator[ImapService]:
    """The IMAP listeners beside SMTP, for the professional's own mail client."""
    runtime = server.runtime
    service = ImapService(
        runtime,
        ImapSettings.from_settings(runtime.settings),
        server_context(tls_files(runtime.settings)),
    )
    await service.start()
    try:
        yield service
    finally:
        await service.stop()
