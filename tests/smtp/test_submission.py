"""Submission as mail clients do it: STARTTLS + AUTH on 587-style, implicit TLS on 465-style."""

from __future__ import annotations

import asyncio
import shutil
import smtplib

import aiosmtplib
import pytest

from mailserver import DOCTOR, NURSE, PASSWORD, PATIENT, MailServer, message, read_mailbox


async def test_aiosmtplib_starttls_auth_delivers_and_files_a_sent_copy(server: MailServer) -> None:
    raw = message(DOCTOR, NURSE, "Avis cardio", "Le patient va bien, é à ç.")
    async with server.submission_client() as client:
        await client.login(DOCTOR, PASSWORD)
        errors, reply = await client.sendmail(DOCTOR, [NURSE], raw)
    assert errors == {}
    assert reply.startswith("2.0.0 ")
    [received] = await read_mailbox(server.runtime, NURSE)
    assert received.startswith(b"Received: from ")
    assert received.endswith(raw), "the message arrives byte for byte after the trace field"
    assert b"with ESMTPSA" in received
    assert await read_mailbox(server.runtime, DOCTOR, "Sent") == [raw]


async def test_smtplib_implicit_tls_with_auth_login(server: MailServer) -> None:
    """smtplib is blocking: it runs in a thread while the server runs on the event loop."""
    raw = message(NURSE, DOCTOR, "Planning")
    port, context = server.port("submissions"), server.client_context()

    def submit() -> tuple[bytes, dict[str, tuple[int, bytes]]]:
        with smtplib.SMTP_SSL("localhost", port, context=context, timeout=30) as client:
            _, capabilities = client.ehlo("client.example")
            client.user, client.password = NURSE, PASSWORD
            client.auth("LOGIN", client.auth_login)
            return capabilities, client.sendmail(NURSE, [DOCTOR], raw)

    capabilities, refused = await asyncio.to_thread(submit)
    assert b"AUTH LOGIN PLAIN" in capabilities, "AUTH is offered on implicit TLS too"
    assert refused == {}
    assert (await read_mailbox(server.runtime, DOCTOR))[-1].endswith(raw)


async def test_ehlo_advertises_what_clients_rely_on(server: MailServer) -> None:
    async with aiosmtplib.SMTP(
        hostname="localhost", port=server.port("submission"), start_tls=False
    ) as client:
        await client.ehlo()
        assert "starttls" in client.esmtp_extensions
        assert "auth" not in client.esmtp_extensions, "no AUTH before TLS (RFC 4954 §4)"
        await client.starttls(tls_context=server.client_context())
        await client.ehlo()
        for extension in (
            "auth",
            "size",
            "8bitmime",
            "smtputf8",
            "pipelining",
            "enhancedstatuscodes",
            "dsn",
        ):
            assert extension in client.esmtp_extensions, extension


async def test_auth_before_tls_is_refused(server: MailServer) -> None:
    async with aiosmtplib.SMTP(
        hostname="localhost", port=server.port("submission"), start_tls=False
    ) as client:
        await client.ehlo()
        reply = await client.execute_command(b"AUTH PLAIN AGFAYg==")
        assert reply.code == 530
        assert reply.message.startswith("5.7.0 ")


async def test_wrong_password_and_unknown_account_get_the_same_reply(server: MailServer) -> None:
    replies = []
    for user, password in ((DOCTOR, "not the password"), ("nobody@hopital.example", PASSWORD)):
        async with server.submission_client() as client:
            with pytest.raises(aiosmtplib.SMTPAuthenticationError) as failure:
                await client.login(user, password)
            replies.append((failure.value.code, failure.value.message))
    assert replies[0] == replies[1]
    assert replies[0][0] == 535 and replies[0][1].startswith("5.7.8 ")


async def test_repeated_failures_are_throttled(server: MailServer) -> None:
    limit = server.runtime.settings.limits.auth_failures_per_account
    async with server.submission_client() as client:
        await client.ehlo()
        codes = []
        for _ in range(limit + 1):
            reply = await client.execute_command(
                b"AUTH PLAIN " + _plain(DOCTOR, "wrong password"),
            )
            codes.append(reply.code)
    assert codes[:limit] == [535] * limit
    assert codes[limit] == 454


async def test_sender_must_be_the_account_address(server: MailServer) -> None:
    async with server.submission_client() as client:
        await client.login(DOCTOR, PASSWORD)
        with pytest.raises(aiosmtplib.SMTPSenderRefused) as refused:
            await client.sendmail(NURSE, [DOCTOR], message(NURSE, DOCTOR, "spoof"))
        assert refused.value.code == 550 and "5.7.1" in refused.value.message
        # The envelope is right but the From header names someone else.
        with pytest.raises(aiosmtplib.SMTPDataError) as data_refused:
            await client.sendmail(DOCTOR, [NURSE], message(NURSE, DOCTOR, "header spoof"))
        assert data_refused.value.code == 550
        assert "not an address of" in data_refused.value.message
    assert await read_mailbox(server.runtime, NURSE) == []


async def test_unknown_recipient_and_relay_are_refused_at_rcpt(server: MailServer) -> None:
    async with server.submission_client() as client:
        await client.login(DOCTOR, PASSWORD)
        await client.mail(DOCTOR)
        unknown = await client.execute_command(b"RCPT TO:<nobody@hopital.example>")
        assert (unknown.code, unknown.message[:5]) == (550, "5.1.1")
        relay = await client.execute_command(b"RCPT TO:<someone@gmail.example>")
        assert (relay.code, relay.message[:5]) == (550, "5.7.1")
        assert "trust space" in relay.message


async def test_patient_cannot_open_a_conversation_but_can_reply(server: MailServer) -> None:
    async def send(sender: str, recipient: str, subject: str) -> aiosmtplib.SMTPResponse:
        async with server.submission_client() as client:
            await client.login(sender, PASSWORD)
            await client.mail(sender)
            reply = await client.execute_command(f"RCPT TO:<{recipient}>".encode())
            if reply.code == 250:
                reply = await client.data(message(sender, recipient, subject))
            return reply

    refused = await send(PATIENT, DOCTOR, "Question")
    assert refused.code == 550 and refused.message.startswith("5.7.1 ")
    assert "cannot start a conversation" in refused.message
    assert (await send(DOCTOR, PATIENT, "Vos résultats")).code == 250
    assert (await send(PATIENT, DOCTOR, "Re: Vos résultats")).code == 250
    assert (await send(PATIENT, NURSE, "Et vous ?")).code == 550, "only who wrote may be answered"
    assert len(await read_mailbox(server.runtime, DOCTOR)) == 1


async def test_oversize_messages_are_refused_at_mail_and_during_data(server: MailServer) -> None:
    limit = server.runtime.settings.limits.max_message_bytes
    async with server.submission_client() as client:
        await client.login(DOCTOR, PASSWORD)
        declared = await client.execute_command(f"MAIL FROM:<{DOCTOR}> SIZE={limit + 1}".encode())
        assert (declared.code, declared.message[:5]) == (552, "5.3.4")
        await client.mail(DOCTOR)
        await client.rcpt(NURSE)
        big = message(DOCTOR, NURSE, "big", "x" * 76 + "\r\n") + (b"y" * 998 + b"\r\n") * (
            limit // 1000 + 1
        )
        with pytest.raises(aiosmtplib.SMTPDataError) as too_big:
            await client.data(big)
        assert too_big.value.code == 552
    assert await read_mailbox(server.runtime, NURSE) == []


async def test_bare_line_feeds_are_refused(server: MailServer) -> None:
    """A bare LF "end of data" must not end the message, nor smuggle a second one
    (aiosmtplib refuses to send such bytes, so this client writes them itself)."""
    reader, writer = await asyncio.open_connection(
        "localhost", server.port("submissions"), ssl=server.client_context()
    )

    async def command(line: bytes) -> bytes:
        writer.write(line + b"\r\n")
        await writer.drain()
        while True:
            reply = await asyncio.wait_for(reader.readline(), 10)
            if reply[3:4] != b"-":
                return reply

    try:
        assert (await reader.readline()).startswith(b"220 ")
        await command(b"EHLO client.example")
        assert (await command(b"AUTH PLAIN " + _plain(DOCTOR, PASSWORD))).startswith(b"235 ")
        assert (await command(f"MAIL FROM:<{DOCTOR}>".encode())).startswith(b"250 ")
        assert (await command(f"RCPT TO:<{NURSE}>".encode())).startswith(b"250 ")
        assert (await command(b"DATA")).startswith(b"354 ")
        smuggled = (
            message(DOCTOR, NURSE, "first")
            + b"\n.\nMAIL FROM:<"
            + DOCTOR.encode()
            + b">\r\nRCPT TO:<"
            + NURSE.encode()
            + b">\r\nDATA\r\nsmuggled\r\n."
        )
        reply = await command(smuggled)
        assert reply.startswith(b"554 5.6.11 "), reply
    finally:
        writer.close()
        await writer.wait_closed()
    assert await read_mailbox(server.runtime, NURSE) == []


async def test_dsn_parameters_are_accepted(server: MailServer) -> None:
    async with server.submission_client() as client:
        await client.login(DOCTOR, PASSWORD)
        mail = await client.execute_command(f"MAIL FROM:<{DOCTOR}> RET=HDRS ENVID=QQ+2Bxy".encode())
        assert mail.code == 250
        rcpt = await client.execute_command(
            f"RCPT TO:<{NURSE}> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;{NURSE}".encode()
        )
        assert rcpt.code == 250
        bad = await client.execute_command(f"RCPT TO:<{NURSE}> NOTIFY=SOMETIMES".encode())
        assert (bad.code, bad.message[:5]) == (501, "5.5.4")
        assert (await client.data(message(DOCTOR, NURSE, "dsn"))).code == 250


@pytest.mark.skipif(shutil.which("swaks") is None, reason="swaks is not installed")
async def test_swaks_submits_with_starttls(server: MailServer) -> None:
    ca = str(server.runtime.settings.data_path(server.runtime.settings.tls.ca))
    process = await asyncio.create_subprocess_exec(
        "swaks",
        "--server",
        "localhost",
        "--port",
        str(server.port("submission")),
        "--tls",
        "--tls-ca-path",
        ca,
        "--tls-verify",
        "--auth",
        "PLAIN",
        "--auth-user",
        DOCTOR,
        "--auth-password",
        PASSWORD,
        "--from",
        DOCTOR,
        "--to",
        NURSE,
        "--h-Subject",
        "swaks",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, output.decode()
    assert b"250 2.0.0" in output
    assert len(await read_mailbox(server.runtime, NURSE)) == 1


def _plain(user: str, password: str) -> bytes:
    import base64

    return base64.b64encode(f"\0{user}\0{password}".encode())
