"""Login protections on the wire (issue 18): no acting as another user through AUTHENTICATE
PLAIN's authzid, and every failure, throttled ones included, counted per connection while the
throttle counts per account and peer across connections."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging

import pyotp
import pytest

from mss.store.records import AccountKind
from mss.store.webmail_repository import SqlWebmailStore
from webmail.security.totp import TotpManager, new_secret

from .harness import DOMAIN, PASSWORD, USER, Harness
from .messages import simple
from .wire import Wire

OTHER = f"paul@{DOMAIN}"


def _plain(authzid: str, authcid: str, password: str) -> bytes:
    return base64.b64encode(f"{authzid}\0{authcid}\0{password}".encode())


async def test_authenticate_plain_cannot_act_as_another_user(imap: Harness) -> None:
    await imap.runtime.accounts.create_account(OTHER, AccountKind.PROFESSIONAL, PASSWORD)
    wire = await Wire.open(imap.tls_port, imap.client_tls)
    await wire.line()
    assert await wire.command(b"a1 AUTHENTICATE PLAIN " + _plain(OTHER, USER, PASSWORD)) == [
        b"a1 NO [AUTHORIZATIONFAILED] Cannot act as another user\r\n"
    ]
    assert (await wire.command(b"a2 SELECT INBOX"))[-1].startswith(b"a2 BAD")
    reply = await wire.command(b"a3 AUTHENTICATE PLAIN " + _plain(USER, USER, PASSWORD))
    assert reply[-1].startswith(b"a3 OK [CAPABILITY")
    await wire.close()


async def test_throttled_attempts_count_and_the_throttle_spans_connections(
    imap: Harness,
) -> None:
    limit = imap.runtime.settings.limits.auth_failures_per_account
    per_connection = imap.settings.auth_failure_limit
    assert per_connection == 3 and limit == 5
    failed = 0
    while failed < limit:
        wire = await Wire.open(imap.tls_port, imap.client_tls)
        await wire.line()
        for _ in range(min(per_connection - 1, limit - failed)):
            reply = await wire.command(f"b{failed} LOGIN {USER} wrong-password".encode())
            assert reply == [
                f"b{failed} NO [AUTHENTICATIONFAILED] Authentication failed\r\n".encode()
            ]
            failed += 1
        await wire.close()
    wire = await Wire.open(imap.tls_port, imap.client_tls)
    await wire.line()
    throttled = b" NO [UNAVAILABLE] Too many failed attempts; try again later\r\n"
    assert await wire.command(f'c1 LOGIN {USER} "{PASSWORD}"'.encode()) == [b"c1" + throttled]
    assert await wire.command(f'c2 LOGIN {USER} "{PASSWORD}"'.encode()) == [b"c2" + throttled]
    assert await wire.command(f'c3 LOGIN {USER} "{PASSWORD}"'.encode()) == [b"c3" + throttled]
    assert await wire.line() == b"* BYE Too many authentication failures\r\n"
    await wire.close()


async def test_starttls_is_refused_once_tls_is_on(imap: Harness) -> None:
    """RFC 3501 §6.2.1: STARTTLS is for a clear connection only."""
    wire = await Wire.open(imap.tls_port, imap.client_tls)
    await wire.line()
    assert await wire.command(b"a1 STARTTLS") == [b"a1 BAD TLS is already active\r\n"]
    wire.send(b"a2 AUTHENTICATE PLAIN\r\n")
    assert await wire.line() == b"+ \r\n"
    wire.send(_plain("", USER, PASSWORD) + b"\r\n")
    lines = await wire.until(b"a2")
    assert lines[-1].startswith(b"a2 OK [CAPABILITY IMAP4rev1 ")
    assert lines[-1].endswith(b"] Logged in\r\n")
    await wire.close()


async def test_starttls_without_a_certificate_is_refused(imap: Harness) -> None:
    imap.service.services = dataclasses.replace(imap.service.services, tls=None)
    wire = await Wire.open(imap.port)
    await wire.line()
    assert await wire.command(b"a1 STARTTLS") == [b"a1 NO [CANNOT] TLS is not available\r\n"]
    await wire.close()


async def test_failures_from_another_address_do_not_block_this_one(imap: Harness) -> None:
    limit = imap.runtime.settings.limits.auth_failures_per_account
    for attempt in range(limit):
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", imap.tls_port, ssl=imap.client_tls, local_addr=("127.0.0.2", 0)
        )
        other = Wire(reader, writer)
        await other.line()
        reply = await other.command(f"x{attempt} LOGIN {USER} wrong-password".encode())
        assert b"AUTHENTICATIONFAILED" in reply[-1]
        await other.close()
    wire = await Wire.open(imap.tls_port, imap.client_tls)
    await wire.line()
    reply = await wire.command(f'a1 LOGIN {USER} "{PASSWORD}"'.encode())
    assert reply[-1].startswith(b"a1 OK [CAPABILITY")
    await wire.close()


async def test_a_password_refused_for_the_second_factor_is_logged_as_imap(
    imap: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    unlocked = await imap.runtime.accounts.authenticate(USER, PASSWORD)
    secret = new_secret()
    manager = TotpManager(SqlWebmailStore(imap.runtime.database, imap.runtime.store.committer))
    assert await manager.enable(unlocked, secret, pyotp.TOTP(secret).now())
    wire = await Wire.open(imap.tls_port, imap.client_tls)
    await wire.line()
    with caplog.at_level(logging.INFO, logger="mss.signin"):
        reply = await wire.command(f'a1 LOGIN {USER} "{PASSWORD}"'.encode())
    assert reply == [b"a1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n"]
    messages = [r.getMessage() for r in caplog.records if r.name == "mss.signin"]
    assert messages == [f"{USER}: password refused on imap: the account uses a second factor"]
    await wire.close()


async def test_a_logged_in_session_hears_of_new_mail(imap: Harness) -> None:
    """The login subscribes the session to its own account's changes (RFC 2177 IDLE)."""
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    wire.send(b"a2 IDLE\r\n")
    assert await wire.line() == b"+ idling\r\n"
    await imap.deliver(simple("pour jeanne"))
    assert await wire.line() == b"* 1 EXISTS\r\n"
    wire.send(b"DONE\r\n")
    assert (await wire.until(b"a2"))[-1] == b"a2 OK IDLE terminated\r\n"
    await wire.close()
