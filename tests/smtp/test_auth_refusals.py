"""AUTH exchanges that fail leave the connection unauthenticated (issue 18): a cancelled
challenge, junk base64, a PLAIN response without its three parts, on PLAIN and LOGIN alike
(RFC 4954 §4, RFC 4616 §2); MAIL is still refused with 530 after each."""

from __future__ import annotations

import base64
import logging
import re

import aiosmtplib
import pytest

from mailserver import DOCTOR, PASSWORD, MailServer


def _b64(text: str) -> bytes:
    return base64.b64encode(text.encode())


async def _mail_refused(client: aiosmtplib.SMTP) -> None:
    reply = await client.execute_command(f"MAIL FROM:<{DOCTOR}>".encode())
    assert reply.code == 530, reply


async def test_failed_auth_exchanges_leave_the_session_unauthenticated(
    server: MailServer,
) -> None:
    exchanges: list[list[bytes]] = [
        [b"AUTH PLAIN", b"*"],
        [b"AUTH PLAIN !!!!"],
        [b"AUTH PLAIN " + _b64(f"{DOCTOR}\0{PASSWORD}")],
        [b"AUTH PLAIN ="],
        [b"AUTH PLAIN", _b64(f"\0{DOCTOR}\0{PASSWORD}\0")],
        [b"AUTH LOGIN", b"*"],
        [b"AUTH LOGIN " + _b64(DOCTOR), b"*"],
        [b"AUTH LOGIN", _b64(DOCTOR), b"*"],
        [b"AUTH LOGIN !!!!"],
    ]
    for lines in exchanges:
        async with server.submission_client() as client:
            await client.ehlo()
            *challenged, last = lines
            for line in challenged:
                assert (await client.execute_command(line)).code == 334, lines
            assert (await client.execute_command(last)).code == 501, lines
            await _mail_refused(client)
    async with server.submission_client() as client:
        await client.ehlo()
        reply = await client.execute_command(b"AUTH PLAIN " + _b64(f"\0{DOCTOR}\0{PASSWORD}"))
        assert reply.code == 235
        reply = await client.execute_command(f"MAIL FROM:<{DOCTOR}>".encode())
        assert reply.code == 250


async def test_the_sasl_exchanges_follow_their_specifications(server: MailServer) -> None:
    """The challenges and replies themselves: PLAIN's empty challenge (RFC 4954 §4), LOGIN's
    "Username:" and "Password:" (draft-murchison-sasl-login §2.1), "=" as an empty initial
    response, and each refusal's own text."""
    async with server.submission_client() as client:
        await client.ehlo()
        reply = await client.execute_command(b"AUTH LOGIN")
        assert (reply.code, reply.message) == (334, _b64("Username:").decode())
        reply = await client.execute_command(_b64(DOCTOR))
        assert (reply.code, reply.message) == (334, _b64("Password:").decode())
        assert (await client.execute_command(_b64(PASSWORD))).code == 235
    async with server.submission_client() as client:
        await client.ehlo()
        reply = await client.execute_command(b"AUTH LOGIN " + _b64(DOCTOR))
        assert (reply.code, reply.message) == (334, _b64("Password:").decode())
        assert (await client.execute_command(_b64(PASSWORD))).code == 235
    async with server.submission_client() as client:
        await client.ehlo()
        reply = await client.execute_command(b"AUTH PLAIN")
        assert (reply.code, reply.message) == (334, "")
        reply = await client.execute_command(_b64(f"\0{DOCTOR}\0{PASSWORD}"))
        assert reply.code == 235
    async with server.submission_client() as client:
        await client.ehlo()
        # "=" is an empty initial response, not base64: LOGIN goes on to the password.
        reply = await client.execute_command(b"AUTH LOGIN =")
        assert (reply.code, reply.message) == (334, _b64("Password:").decode())
        reply = await client.execute_command(_b64(PASSWORD))
        assert reply.code == 535
        await _mail_refused(client)
    refusals = {
        b"AUTH PLAIN =": "5.5.2 PLAIN expects authzid NUL authcid NUL password",
        b"AUTH PLAIN !!!!": "5.5.2 Cannot decode the base64 response",
        b"AUTH LOGIN !!!!": "5.5.2 Cannot decode the base64 response",
    }
    for line, text in refusals.items():
        async with server.submission_client() as client:
            await client.ehlo()
            reply = await client.execute_command(line)
            assert (reply.code, reply.message) == (501, text), line
            await _mail_refused(client)


async def test_bytes_that_are_not_utf8_are_a_wrong_password_not_an_error(
    server: MailServer,
) -> None:
    for login, password in (
        (b"\xff\xfe@hopital.example", PASSWORD.encode()),
        (DOCTOR.encode(), b"\xff"),
    ):
        async with server.submission_client() as client:
            await client.ehlo()
            response = base64.b64encode(b"\0" + login + b"\0" + password)
            reply = await client.execute_command(b"AUTH PLAIN " + response)
            assert reply.code == 535, reply
            await _mail_refused(client)


async def test_failures_are_counted_per_client_address(server: MailServer) -> None:
    """One client's failures block that client (for that account), not the owner elsewhere."""
    limit = server.runtime.settings.limits.auth_failures_per_account
    async with server.submission_client() as client:
        await client.ehlo()
        for _ in range(limit):
            reply = await client.execute_command(
                b"AUTH PLAIN " + _b64(f"\0{DOCTOR}\0wrong password")
            )
            assert reply.code == 535
        reply = await client.execute_command(b"AUTH PLAIN " + _b64(f"\0{DOCTOR}\0{PASSWORD}"))
        assert reply.code == 454
        await _mail_refused(client)  # a throttled AUTH authenticates nothing
    elsewhere = server.submission_client()
    elsewhere.source_address = ("127.0.0.2", 0)
    async with elsewhere as client:
        await client.ehlo()
        reply = await client.execute_command(b"AUTH PLAIN " + _b64(f"\0{DOCTOR}\0{PASSWORD}"))
        assert reply.code == 235, reply


async def test_each_refused_auth_is_logged_with_its_account_name(
    server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The operator's log (and fail2ban-style tools) sees which name was tried and why."""
    limit = server.runtime.settings.limits.auth_failures_per_account
    caplog.set_level(logging.INFO, logger="mss.smtp")
    async with server.submission_client() as client:
        await client.ehlo()
        for _ in range(limit + 1):
            await client.execute_command(b"AUTH PLAIN " + _b64(f"\0{DOCTOR}\0wrong password"))
    refusals = [
        r.getMessage().split(" ", 1)[1] for r in caplog.records if "refused" in r.getMessage()
    ]
    assert refusals[0].startswith(f"AUTH <{DOCTOR}> refused: 535 5.7.8 ")
    assert refusals[limit].startswith(f"AUTH <{DOCTOR}> refused: 454 4.7.0 ")


async def test_an_empty_initial_response_is_an_empty_name(
    server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    """RFC 4954 §4: "=" stands for an empty initial response; LOGIN then tries the empty account
    name, and the operator's log shows that name, not the "=" nor anything else."""
    caplog.set_level(logging.INFO, logger="mss.smtp")
    async with server.submission_client() as client:
        await client.ehlo()
        assert (await client.execute_command(b"AUTH LOGIN =")).code == 334
        assert (await client.execute_command(_b64(PASSWORD))).code == 535
    refusals = [
        r.getMessage().split(" ", 1)[1] for r in caplog.records if "refused" in r.getMessage()
    ]
    assert [r.split(":", 1)[0] for r in refusals] == ["AUTH <> refused"]


async def test_a_successful_auth_is_logged_with_its_account_and_credential(
    server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The operator's log names who signed in, on which connection, and with which credential."""
    caplog.set_level(logging.INFO, logger="mss.smtp")
    async with server.submission_client() as client:
        await client.ehlo()
        reply = await client.execute_command(b"AUTH PLAIN " + _b64(f"\0{DOCTOR}\0{PASSWORD}"))
        assert reply.code == 235
    [line] = [r.getMessage() for r in caplog.records if " authenticated " in r.getMessage()]
    assert re.fullmatch(rf"conn=(?!None )\S+ authenticated {re.escape(DOCTOR)} via password", line)
