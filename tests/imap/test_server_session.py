"""Transcripts of the session itself: greeting, capabilities, TLS, login, limits, errors."""

from __future__ import annotations

import asyncio
import base64
import re
from dataclasses import replace

import pytest

from mss.imap.session import run_extensions

from .harness import PASSWORD, USER, Harness
from .wire import Wire


async def test_greeting_and_capabilities_before_tls(imap: Harness) -> None:
    assert imap.service.describe() == [
        f"IMAP with STARTTLS on 127.0.0.1:{imap.port}",
        f"IMAPS on 127.0.0.1:{imap.tls_port}",
    ]
    wire = await Wire.open(imap.port)
    greeting = await wire.line()
    assert greeting.startswith(b"* OK [CAPABILITY IMAP4rev1 ")
    assert b" STARTTLS LOGINDISABLED]" in greeting
    assert b"AUTH=PLAIN" not in greeting
    assert await wire.command(b"a1 CAPABILITY") == [
        b"* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE STARTTLS LOGINDISABLED\r\n",
        b"a1 OK CAPABILITY completed\r\n",
    ]
    await wire.close()


async def test_login_is_refused_before_starttls(imap: Harness) -> None:
    # RFC 3501 §6.2.3: with LOGINDISABLED the password never travels in clear.
    wire = await Wire.open(imap.port)
    await wire.line()
    assert await wire.command(f'a1 LOGIN {USER} "{PASSWORD}"'.encode()) == [
        b"a1 NO [PRIVACYREQUIRED] Use STARTTLS first\r\n"
    ]
    plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode())
    assert (await wire.command(b"a2 AUTHENTICATE PLAIN " + plain))[-1].startswith(
        b"a2 NO [PRIVACYREQUIRED]"
    )
    await wire.close()


async def test_starttls_then_login(imap: Harness) -> None:
    wire = await Wire.open(imap.port)
    await wire.line()
    assert await wire.command(b"a1 STARTTLS") == [b"a1 OK Begin TLS negotiation now\r\n"]
    await wire.starttls(imap.client_tls)
    capability = await wire.command(b"a2 CAPABILITY")
    assert b" AUTH=PLAIN" in capability[0] and b"STARTTLS" not in capability[0]
    lines = await wire.command(f'a3 LOGIN {USER} "{PASSWORD}"'.encode())
    assert lines[0].startswith(b"a3 OK [CAPABILITY IMAP4rev1 ")
    assert b" UIDPLUS MOVE " in lines[0] and b"APPENDLIMIT=" in lines[0]
    assert lines[0].endswith(b"] Logged in\r\n")
    assert await wire.command(b"a4 STARTTLS") == [b"a4 BAD STARTTLS: Already authenticated\r\n"]
    await wire.close()


async def test_commands_sent_with_starttls_are_not_run_after_it(imap: Harness) -> None:
    # RFC 3501 §6.2.1 (and CVE-2011-0411): plaintext pipelined after STARTTLS is dropped.
    wire = await Wire.open(imap.port)
    await wire.line()
    wire.send(b"a1 STARTTLS\r\na2 CAPABILITY\r\n")
    assert await wire.until(b"a1") == [b"a1 OK Begin TLS negotiation now\r\n"]
    await wire.starttls(imap.client_tls)
    assert await wire.command(b"a3 NOOP") == [b"a3 OK NOOP completed\r\n"]
    await wire.close()


async def test_authenticate_plain_with_and_without_initial_response(imap: Harness) -> None:
    plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode())
    wire = await Wire.open(imap.tls_port, imap.client_tls)
    await wire.line()
    assert (await wire.command(b"a1 AUTHENTICATE PLAIN " + plain))[-1].startswith(b"a1 OK [")
    await wire.close()
    wire = await Wire.open(imap.tls_port, imap.client_tls)
    await wire.line()
    wire.send(b"a1 AUTHENTICATE PLAIN\r\n")
    assert await wire.line() == b"+ \r\n"
    wire.send(plain + b"\r\n")
    assert (await wire.until(b"a1"))[-1].startswith(b"a1 OK [")
    await wire.close()


async def test_authentication_failures(imap: Harness) -> None:
    wire = await Wire.open(imap.tls_port, imap.client_tls)
    await wire.line()
    assert await wire.command(f"a1 LOGIN {USER} wrong-password".encode()) == [
        b"a1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n"
    ]
    assert await wire.command(b"a2 LOGIN nobody@hopital.example wrong-password") == [
        b"a2 NO [AUTHENTICATIONFAILED] Authentication failed\r\n"
    ]
    wire.send(b"a3 AUTHENTICATE PLAIN\r\n")
    await wire.line()
    wire.send(b"*\r\n")
    assert await wire.until(b"a3") == [b"a3 BAD Authentication cancelled\r\n"]
    assert await wire.command(b"a4 AUTHENTICATE CRAM-MD5") == [
        b"a4 NO [CANNOT] Unsupported authentication mechanism\r\n"
    ]
    # The third failed password ends the connection.
    assert (
        await wire.command(b"a5 LOGIN x@hopital.example y")
        == [
            b"a5 NO [AUTHENTICATIONFAILED] Authentication failed\r\n",
            b"* BYE Too many authentication failures\r\n",
        ][:1]
    )
    assert await wire.line() == b"* BYE Too many authentication failures\r\n"
    await wire.close()


async def test_commands_in_the_wrong_state(imap: Harness) -> None:
    wire = await Wire.open(imap.tls_port, imap.client_tls)
    await wire.line()
    assert await wire.command(b"a1 SELECT INBOX") == [b"a1 BAD SELECT: Not authenticated\r\n"]
    assert await wire.command(b"a2 FETCH 1 FLAGS") == [b"a2 BAD FETCH: No mailbox selected\r\n"]
    await wire.close()
    wire = await imap.wire()
    assert await wire.command(b"a3 UID FETCH 1 FLAGS") == [
        b"a3 BAD UID FETCH: No mailbox selected\r\n"
    ]
    await wire.close()


async def test_malformed_commands_get_bad_with_a_reason(imap: Harness) -> None:
    wire = await imap.wire()
    assert await wire.command(b"a1 FROB") == [b"a1 BAD Unknown command FROB\r\n"]
    assert await wire.command(b"a2 SELECT") == [
        b"a2 BAD Expected a space, found end of command\r\n"
    ]
    wire.send(b"(bad)\r\n")
    assert await wire.line() == b"* BAD Expected a tag, found '(bad)'\r\n"
    await wire.close()


async def test_the_bad_command_budget_closes_the_connection(imap: Harness) -> None:
    imap.use(replace(imap.settings, bad_command_limit=3))
    wire = await imap.wire()
    for number in range(2):
        assert (await wire.command(b"a%d FROB" % number))[-1].startswith(b"a%d BAD" % number)
    wire.send(b"a3 FROB\r\n")
    assert await wire.line() == b"a3 BAD Unknown command FROB\r\n"
    assert await wire.line() == b"* BYE Too many invalid commands\r\n"
    await wire.close()


async def test_synchronising_literal_gets_a_continuation(imap: Harness) -> None:
    wire = await Wire.open(imap.tls_port, imap.client_tls)
    await wire.line()
    wire.send(b"a1 LOGIN {%d}\r\n" % len(USER))
    assert await wire.line() == b"+ Ready for literal\r\n"
    wire.send(USER.encode() + b" {%d+}\r\n" % len(PASSWORD) + PASSWORD.encode() + b"\r\n")
    assert (await wire.until(b"a1"))[-1].startswith(b"a1 OK")
    await wire.close()


async def test_literals_are_limited_before_login(imap: Harness) -> None:
    wire = await Wire.open(imap.tls_port, imap.client_tls)
    await wire.line()
    assert await wire.command(b"a1 LOGIN {100000}") == [b"a1 BAD [TOOBIG] Literal too large\r\n"]
    await wire.close()


async def test_largest_id_is_accepted_before_login(imap: Harness) -> None:
    # RFC 2971 §3.3: 30 pairs of a 30-octet field and a 1024-octet value (about 31 KiB) are valid.
    wire = await Wire.open(imap.tls_port, imap.client_tls)
    await wire.line()
    pairs = b" ".join(b'"%s" "%s"' % (b"f%029d" % n, b"v" * 1024) for n in range(30))
    assert len(pairs) > 30 * 1024
    lines = await wire.command(b"a1 ID (" + pairs + b")")
    assert lines[0].startswith(b'* ID ("name" "MSS" ')
    assert lines[-1] == b"a1 OK ID completed\r\n"
    await wire.close()


async def test_id_namespace_enable_logout(imap: Harness) -> None:
    wire = await imap.wire()
    lines = await wire.command(b'a1 ID ("name" "transcript")')
    assert lines[0].startswith(b'* ID ("name" "MSS" "version" ')
    assert await wire.command(b"a2 NAMESPACE") == [
        b'* NAMESPACE (("" "/")) NIL NIL\r\n',
        b"a2 OK NAMESPACE completed\r\n",
    ]
    assert await wire.command(b"a3 ENABLE QRESYNC X-UNKNOWN") == [
        b"* ENABLED QRESYNC\r\n",
        b"a3 OK ENABLE completed\r\n",
    ]
    assert await wire.command(b"a4 LOGOUT") == [
        b"* BYE MSS IMAP server logging out\r\n",
        b"a4 OK LOGOUT completed\r\n",
    ]
    await wire.close()


async def test_compress_deflate(imap: Harness) -> None:
    wire = await imap.wire()
    assert await wire.command(b"a1 COMPRESS DEFLATE") == [b"a1 OK DEFLATE active\r\n"]
    wire.compress()
    assert await wire.command(b"a2 NOOP") == [b"a2 OK NOOP completed\r\n"]
    assert await wire.command(b"a3 COMPRESS DEFLATE") == [
        b"a3 NO [COMPRESSIONACTIVE] Compression is already active\r\n"
    ]
    capability = await wire.command(b"a4 CAPABILITY")
    assert b"COMPRESS=DEFLATE" not in capability[0]
    await wire.close()


async def test_autologout(imap: Harness) -> None:
    imap.use(replace(imap.settings, preauth_timeout_seconds=0.2))
    wire = await Wire.open(imap.tls_port, imap.client_tls)
    await wire.line()
    await asyncio.sleep(0.3)
    assert await wire.line() == b"* BYE Autologout; idle for too long\r\n"
    await wire.close()


async def test_garbage_never_gets_a_traceback(imap: Harness) -> None:
    imap.use(replace(imap.settings, bad_command_limit=1000))
    wire = await imap.wire()
    await wire.command(b"s SELECT INBOX")
    nasty = [
        b"a1 FETCH 1:* (BODY[1.2.3.4.5.HEADER.FIELDS (\x00)])",
        b"a2 SEARCH " + b"NOT " * 100 + b"ALL",
        b"a3 STORE 1 +FLAGS (\xff\xfe)",
        b"a4 UID FETCH 0:4294967296 FLAGS",
        b'a5 LIST "" ' + b"*%" * 200,
        b'a6 APPEND INBOX (\\Seen) "99-Foo-2026 99:99:99 +9999" {1+}\r\nx',
        b"a7 SELECT &Jjo-&Jjo-",
        b"\x00\x01\x02 \x7f",
        b"a8 " + b"(" * 1000,
    ]
    for line in nasty:
        tag = line.split(b" ", 1)[0]
        wire.send(line + b"\r\n")
        reply = await wire.line()
        if not reply.startswith(b"* BAD"):
            replies = [reply] if reply.startswith(tag + b" ") else [reply, *await wire.until(tag)]
            reply = replies[-1]
        assert re.fullmatch(rb"(\*|\S+) (OK|NO|BAD) [\x20-\x7e]+\r\n", reply), reply
        assert b"Traceback" not in reply
    assert await wire.command(b"z NOOP") == [b"z OK NOOP completed\r\n"]
    await wire.close()


async def test_an_internal_error_is_no_serverbug(
    imap: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(state: object, command: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(run_extensions, "namespace", broken)
    wire = await imap.wire()
    assert await wire.command(b"a1 NAMESPACE") == [b"a1 NO [SERVERBUG] Internal error\r\n"]
    assert await wire.command(b"a2 NOOP") == [b"a2 OK NOOP completed\r\n"]
    await wire.close()
