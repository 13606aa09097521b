"""A STARTTLS session takes one connection slot, and gives it back when it ends.

aiosmtpd calls ``connection_made`` a second time when TLS starts; a slot taken at each call and
given back once leaked one per STARTTLS session, until an address could hold one connection
at a time and, once the leaks reached ``max_connections``, the server refused everyone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mailserver import DOCTOR, PASSWORD, MailServer, start_mail_server
from mss.config import Settings
from mss.runtime import Runtime

PER_IP = 2


@pytest.fixture
def settings(settings: Settings) -> Settings:
    smtp = settings.smtp.model_copy(update={"max_connections_per_ip": PER_IP})
    return settings.model_copy(update={"smtp": smtp})


@pytest.fixture
async def server(runtime: Runtime) -> AsyncIterator[MailServer]:
    started = await start_mail_server(runtime, only=("smtp",))
    try:
        yield started
    finally:
        await started.stop()


async def test_ended_sessions_leave_every_slot_free(server: MailServer) -> None:
    for _ in range(PER_IP):
        async with server.submission_client() as client:
            await client.login(DOCTOR, PASSWORD)
    async with server.submission_client() as first, server.submission_client() as second:
        # Both admitted: a leaked slot would answer the second with 421.
        await first.login(DOCTOR, PASSWORD)
        await second.login(DOCTOR, PASSWORD)
