"""What one SMTP client may cost, on real sockets: invalid UTF-8 addresses and NUL bytes get
clean refusals, and too many errors, too many connections or a stalled client get 421 (RFC 5321
§3.8) with the connection closed (issue 13, item 6)."""

from __future__ import annotations

import asyncio
import smtplib
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mailserver import DOCTOR, NURSE, PASSWORD, MailServer, read_mailbox, start_mail_server
from mss.config import Settings
from mss.runtime import Runtime
from support import make_settings

ERRORS = 4
PER_IP = 3
TOTAL = 5


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(
        tmp_path,
        database_url,
        smtp={
            "command_timeout_seconds": 1.0,
            "data_timeout_seconds": 2.0,
            "max_errors": ERRORS,
            "max_connections_per_ip": PER_IP,
            "max_connections": TOTAL,
        },
    )


@pytest.fixture
async def server(runtime: Runtime) -> AsyncIterator[MailServer]:
    started = await start_mail_server(runtime, only=("smtp",))
    try:
        yield started
    finally:
        await started.stop()


def _signed_in(server: MailServer) -> smtplib.SMTP:
    client = smtplib.SMTP("localhost", server.port("submission"), timeout=10)
    client.starttls(context=server.client_context())
    client.login(DOCTOR, PASSWORD)
    return client


def _raw(client: smtplib.SMTP, line: bytes) -> tuple[int, bytes]:
    client.send(line + b"\r\n")
    return client.getreply()


async def test_invalid_utf8_in_an_address_gets_501_and_the_session_goes_on(
    server: MailServer,
) -> None:
    def talk() -> list[tuple[int, bytes]]:
        with _signed_in(server) as client:
            return [
                _raw(client, b"MAIL FROM:<jeanne.martin\xff\xfe@hopital.example>"),
                _raw(client, b"MAIL FROM:<" + DOCTOR.encode() + b">"),
                _raw(client, b"RCPT TO:<paul\xc3\x28@hopital.example>"),
                _raw(client, b"NOOP"),
            ]

    replies = await asyncio.to_thread(talk)
    assert replies[0][0] == 501 and replies[0][1].startswith(b"5.5.2 ")
    assert replies[1][0] == 250
    assert replies[2][0] == 501
    assert replies[3][0] == 250


async def test_a_message_with_nul_bytes_is_refused_whole(server: MailServer) -> None:
    def talk() -> tuple[int, bytes]:
        with _signed_in(server) as client:
            client.mail(DOCTOR)
            client.rcpt(NURSE)
            body = (
                f"From: <{DOCTOR}>\r\nTo: <{NURSE}>\r\nSubject: nul\r\n\r\nav\x00ant\r\n"
            ).encode()
            return client.data(body)

    code, text = await asyncio.to_thread(talk)
    assert code == 554 and text.startswith(b"5.6.0 ")
    assert await read_mailbox(server.runtime, NURSE) == []


async def test_too_many_errors_end_the_session_with_421(server: MailServer) -> None:
    def talk() -> list[int]:
        with _signed_in(server) as client:
            codes = [_raw(client, b"RCPT TO:<nobody@nowhere.example>")[0] for _ in range(ERRORS)]
            code, text = client.getreply()  # the 421 that follows the last error
            assert text.startswith(b"4.7.0 "), "not the idle timeout's 4.4.2"
            codes.append(code)
            try:
                codes.append(client.noop()[0])
            except smtplib.SMTPServerDisconnected:
                codes.append(-1)
            return codes

    codes = await asyncio.to_thread(talk)
    assert codes[:ERRORS] == [503] * ERRORS  # RCPT before MAIL: a bad sequence
    assert codes[ERRORS] == 421, "the last error is followed by the closing 421"
    assert codes[ERRORS + 1] == -1, "and the connection is closed"


async def test_connections_beyond_the_cap_get_421(server: MailServer) -> None:
    def greetings() -> list[bytes]:
        sockets = []
        answers = []
        try:
            for _ in range(PER_IP + 1):
                sock = socket.create_connection(("127.0.0.1", server.port("submission")), 5)
                sockets.append(sock)
                answers.append(sock.recv(200))
            for sock in sockets[:PER_IP]:
                sock.close()
            time.sleep(0.2)
            again = socket.create_connection(("127.0.0.1", server.port("submission")), 5)
            sockets.append(again)
            answers.append(again.recv(200))
        finally:
            for sock in sockets:
                sock.close()
        return answers

    answers = await asyncio.to_thread(greetings)
    assert all(a.startswith(b"220 ") for a in answers[:PER_IP])
    assert answers[PER_IP].startswith(b"421 4.7.0 ")
    assert answers[PER_IP + 1].startswith(b"220 "), "closing frees the place"


async def test_connections_beyond_the_overall_cap_get_421_whatever_their_address(
    server: MailServer,
) -> None:
    """Clients from several addresses, none past its own cap, together meet the overall one."""

    def greetings() -> list[bytes]:
        sockets: list[socket.socket] = []
        answers = []
        sources = ["127.0.0.1"] * PER_IP + ["127.0.0.2"] * (TOTAL - PER_IP) + ["127.0.0.3"]
        try:
            for source in sources:
                sock = socket.create_connection(
                    ("127.0.0.1", server.port("submission")), 5, source_address=(source, 0)
                )
                sockets.append(sock)
                answers.append(sock.recv(200))
            sockets.pop(0).close()
            time.sleep(0.2)
            again = socket.create_connection(
                ("127.0.0.1", server.port("submission")), 5, source_address=("127.0.0.3", 0)
            )
            sockets.append(again)
            answers.append(again.recv(200))
        finally:
            for sock in sockets:
                sock.close()
        return answers

    answers = await asyncio.to_thread(greetings)
    assert all(a.startswith(b"220 ") for a in answers[:TOTAL])
    assert answers[TOTAL].startswith(b"421 4.7.0 "), "a first connection from a third address"
    assert answers[TOTAL + 1].startswith(b"220 "), "closing any connection frees a place"


async def test_an_idle_or_stalled_client_gets_421(server: MailServer) -> None:
    def idle() -> bytes:
        with socket.create_connection(("127.0.0.1", server.port("submission")), 5) as sock:
            sock.recv(200)
            sock.sendall(b"EHLO cl")  # a command line that never ends
            time.sleep(1.5)
            return sock.recv(200)

    def stalled_data() -> tuple[int, bytes]:
        with _signed_in(server) as client:
            client.mail(DOCTOR)
            client.rcpt(NURSE)
            client.putcmd("DATA")
            assert client.getreply()[0] == 354
            for _ in range(5):  # a trickle that never ends the message
                client.send(b"x\r\n")
                time.sleep(0.6)
            return client.getreply()

    assert (await asyncio.to_thread(idle)).startswith(b"421 4.4.2 ")
    code, _ = await asyncio.to_thread(stalled_data)
    assert code == 421


async def test_a_message_that_keeps_arriving_may_outlast_the_data_time(server: MailServer) -> None:
    """The DATA time grows with what arrives (``smtp.data_min_rate``): a large message sent
    steadily for longer than ``data_timeout_seconds`` (2 s here) is accepted, while the trickle
    of the test above is not."""

    def steady() -> tuple[int, bytes]:
        with _signed_in(server) as client:
            client.mail(DOCTOR)
            client.rcpt(NURSE)
            client.putcmd("DATA")
            assert client.getreply()[0] == 354
            client.send(f"From: <{DOCTOR}>\r\nTo: <{NURSE}>\r\nSubject: long\r\n\r\n".encode())
            started = time.monotonic()
            while time.monotonic() - started < 3.5:
                client.send(b"x" * 998 + b"\r\n")
                time.sleep(0.05)  # about 20 KB/s: above the 16 KiB/s minimum
            client.send(b".\r\n")
            return client.getreply()

    code, _ = await asyncio.to_thread(steady)
    assert code == 250


async def test_addresses_that_are_no_addresses_get_553(server: MailServer) -> None:
    """RFC 5321 §4.2.2 and RFC 3463 §3.2: 553 with 5.1.7 for a sender, 5.1.3 for a recipient,
    whether aiosmtpd or our own address rules find the syntax wrong; not a policy refusal."""

    def talk(line: bytes) -> tuple[int, bytes]:
        with _signed_in(server) as client:
            if line.startswith(b"RCPT"):
                client.mail(DOCTOR)
            return _raw(client, line)

    def all_lines() -> list[tuple[int, bytes]]:
        return [
            talk(line)
            for line in (
                b"MAIL FROM:<not an address>",
                b"MAIL FROM:<a@@b>",
                b"RCPT TO:<paul>",
                b"RCPT TO:<a b@hopital.example>",
                b"RCPT TO:<paul@>",
            )
        ]

    replies = await asyncio.to_thread(all_lines)
    assert [(code, text[:6]) for code, text in replies] == [
        (553, b"5.1.7 "),
        (553, b"5.1.3 "),  # aiosmtpd's own parser: it says 5.1.3 for both
        (553, b"5.1.3 "),
        (553, b"5.1.3 "),
        (553, b"5.1.3 "),
    ]
