"""Fixtures of the receipts tests: a running server with its SMTP listeners."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mailserver import MailServer, start_mail_server
from mss.runtime import Runtime


@pytest.fixture
async def server(runtime: Runtime) -> AsyncIterator[MailServer]:
    started = await start_mail_server(runtime, only=("smtp",))
    try:
        yield started
    finally:
        await started.stop()
