"""A running server (SMTP and IMAP) for the agenda's end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mailserver import MailServer, start_mail_server
from mss.runtime import Runtime


@pytest.fixture
async def server(runtime: Runtime) -> AsyncIterator[MailServer]:
    started = await start_mail_server(runtime, only=("smtp", "imap"))
    try:
        yield started
    finally:
        await started.stop()
