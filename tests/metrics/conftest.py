"""Fixtures of the metrics tests: a server whose /metrics listener is on, on a port of the OS."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mailserver import MailServer, start_mail_server
from mss.config import Settings
from mss.runtime import Runtime


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings with the metrics listener on, and two sign-in failures allowed."""
    return settings.model_copy(
        update={
            "listen": settings.listen.model_copy(update={"metrics_port": 0}),
            "limits": settings.limits.model_copy(update={"auth_failures_per_ip": 2}),
        }
    )


@pytest.fixture
async def server(runtime: Runtime) -> AsyncIterator[MailServer]:
    started = await start_mail_server(runtime, only=("smtp", "imap", "queue", "metrics"))
    try:
        yield started
    finally:
        await started.stop()
