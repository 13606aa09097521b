"""Per-message and per-hour limits of submission, on real sockets with small limits (issue 18):
the recipient cap answers 452 and the hourly cap 451 at MAIL, counted per account and only for
messages actually accepted; the trace field names the one recipient and only then."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailserver import DOCTOR, NURSE, PASSWORD, MailServer, message, read_mailbox
from mss.config import Settings
from support import make_settings


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(
        tmp_path,
        database_url,
        limits={"auth_failure_delay_seconds": 0, "max_recipients": 2},
        smtp={"messages_per_hour": 2},
    )


async def test_recipient_cap_and_hourly_cap(server: MailServer) -> None:
    async with server.submission_client() as client:
        await client.login(DOCTOR, PASSWORD)
        await client.mail(DOCTOR)
        for _ in range(2):
            assert (await client.execute_command(f"RCPT TO:<{NURSE}>".encode())).code == 250
        third = await client.execute_command(f"RCPT TO:<{DOCTOR}>".encode())
        assert (third.code, third.message[:5]) == (452, "4.5.3")
        await client.rset()
        refused = await client.execute_command(b"MAIL FROM:<someone@hopital.example>")
        assert refused.code == 550, "a refused sender is not counted"
        errors, _ = await client.sendmail(DOCTOR, [NURSE], message(DOCTOR, NURSE, "un"))
        assert errors == {}
        errors, _ = await client.sendmail(DOCTOR, [NURSE, DOCTOR], message(DOCTOR, NURSE, "deux"))
        assert errors == {}
        limited = await client.execute_command(f"MAIL FROM:<{DOCTOR}>".encode())
        assert (limited.code, limited.message[:5]) == (451, "4.7.1")
    async with server.submission_client() as client:
        await client.login(NURSE, PASSWORD)
        errors, _ = await client.sendmail(NURSE, [DOCTOR], message(NURSE, DOCTOR, "trois"))
        assert errors == {}, "another account has its own count"
    first, second = await read_mailbox(server.runtime, NURSE)
    assert f"for <{NURSE}>".encode() in first.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ")
    assert b" for <" not in second.split(b"\r\n\r\n", 1)[0]
