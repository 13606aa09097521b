"""The one sign-in on real sockets: the second factor holds on IMAP and SMTP (app passwords
only), and failures from another address never lock the owner out (issue 13, holes 1 and 2)."""

from __future__ import annotations

import asyncio
import imaplib
from collections.abc import AsyncIterator

import aiosmtplib
import pyotp
import pytest

from mailserver import DOCTOR, PASSWORD, MailServer, start_mail_server
from mss.ratelimit import AuthThrottle
from mss.runtime import Runtime
from mss.store.webmail_repository import SqlWebmailStore
from webmail.security.totp import TotpManager, new_secret

OTHER_SOURCE = "127.0.0.2"
"""Linux routes all of 127.0.0.0/8 to the loopback: a second client address on one machine."""


@pytest.fixture
async def server(runtime: Runtime) -> AsyncIterator[MailServer]:
    started = await start_mail_server(runtime, only=("smtp", "imap"))
    try:
        yield started
    finally:
        await started.stop()


async def _turn_on_totp(runtime: Runtime, address: str) -> None:
    unlocked = await runtime.accounts.authenticate(address, PASSWORD)
    secret = new_secret()
    manager = TotpManager(SqlWebmailStore(runtime.database, runtime.store.committer))
    assert await manager.enable(unlocked, secret, pyotp.TOTP(secret).now())


async def _app_password(runtime: Runtime, address: str) -> str:
    unlocked = await runtime.accounts.authenticate(address, PASSWORD)
    _, secret = await runtime.accounts.add_app_password(unlocked, "Thunderbird")
    return secret


def _imap_login(server: MailServer, user: str, secret: str) -> str:
    context = server.client_context()
    with imaplib.IMAP4_SSL("localhost", server.port("imaps"), ssl_context=context) as client:
        try:
            client.login(user, secret)
        except imaplib.IMAP4.error as error:
            return str(error)
        return "OK"


async def _smtp_auth(server: MailServer, user: str, secret: str, source: str = "") -> int:
    client = aiosmtplib.SMTP(
        hostname="localhost",
        port=server.port("submission"),
        start_tls=True,
        tls_context=server.client_context(),
        source_address=(source, 0) if source else None,
    )
    async with client:
        await client.ehlo()
        try:
            reply = await client.auth_plain(user, secret)
        except aiosmtplib.SMTPAuthenticationError as error:
            return error.code
        return reply.code


async def test_with_totp_on_imap_and_smtp_take_app_passwords_only(server: MailServer) -> None:
    runtime = server.runtime
    app_password = await _app_password(runtime, DOCTOR)
    assert await asyncio.to_thread(_imap_login, server, DOCTOR, PASSWORD) == "OK"
    await _turn_on_totp(runtime, DOCTOR)

    refused = await asyncio.to_thread(_imap_login, server, DOCTOR, PASSWORD)
    assert "AUTHENTICATIONFAILED" in refused
    assert await _smtp_auth(server, DOCTOR, PASSWORD) == 535
    assert await asyncio.to_thread(_imap_login, server, DOCTOR, app_password) == "OK"
    assert await _smtp_auth(server, DOCTOR, app_password) == 235


async def test_failures_from_elsewhere_never_lock_the_owner_out(server: MailServer) -> None:
    limit = server.runtime.settings.limits.auth_failures_per_account
    attacker = [
        await _smtp_auth(server, DOCTOR, f"guess {n}", OTHER_SOURCE) for n in range(limit + 2)
    ]
    assert attacker[:limit] == [535] * limit
    assert attacker[limit:] == [454, 454], "the guessing source is stopped"
    assert await _smtp_auth(server, DOCTOR, PASSWORD) == 235, "the owner is not"
    assert await asyncio.to_thread(_imap_login, server, DOCTOR, PASSWORD) == "OK"


def test_failure_replies_slow_down_as_failures_for_an_account_pile_up() -> None:
    throttle = AuthThrottle(per_ip=1000, per_account=3, window=300, delay=1.0)
    delays = []
    for n in range(10):
        delays.append(throttle.failure_delay("victim@example.org"))
        throttle._ips.record(f"198.51.100.{n}")
        throttle._accounts.record("victim@example.org")
    assert delays == [1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 4.0, 4.0, 4.0, 8.0]
    assert throttle.failure_delay("someone.else@example.org") == 1.0
    assert not throttle.blocked("203.0.113.9", "victim@example.org")


def test_a_source_blocked_for_one_account_may_still_sign_in_to_another() -> None:
    throttle = AuthThrottle(per_ip=10, per_account=3, window=300, delay=0.0)
    for _ in range(3):
        asyncio.run(throttle.failed("192.0.2.1", "a@example.org"))
    assert throttle.blocked("192.0.2.1", "a@example.org")
    assert not throttle.blocked("192.0.2.1", "b@example.org")
    assert not throttle.blocked("192.0.2.2", "a@example.org")
