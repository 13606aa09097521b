"""Login protections on the wire (issue 18): no acting as another user through AUTHENTICATE
PLAIN's authzid, and every failure, throttled ones included, counted per connection while the
throttle counts per account and peer across connections."""

from __future__ import annotations

import base64

from mss.store.records import AccountKind

from .harness import DOMAIN, PASSWORD, USER, Harness
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
