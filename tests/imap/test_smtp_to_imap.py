"""End to end: a message submitted over SMTP is pushed to an IDLE session and comes back over
IMAP byte for byte (after the trace field the server adds)."""

from __future__ import annotations

import asyncio
import datetime
import ssl
import time
from collections.abc import AsyncIterator

import aiosmtplib
import pytest

from mailserver import DOCTOR, NURSE, PASSWORD, MailServer, message, start_mail_server
from mss.imap.session.server import ImapService
from mss.imap.session.settings import ImapSettings
from mss.runtime import Runtime
from mss.tls import server_context, tls_files

from .wire import Wire


@pytest.fixture
async def both(runtime: Runtime) -> AsyncIterator[tuple[MailServer, ImapService]]:
    mail = await start_mail_server(runtime, only=("smtp",))
    imap = ImapService(
        runtime,
        ImapSettings.from_settings(runtime.settings),
        server_context(tls_files(runtime.settings)),
    )
    await imap.start()
    try:
        yield mail, imap
    finally:
        await imap.stop()
        await mail.stop()


async def test_idle_sees_an_smtp_submission_and_fetches_it_byte_for_byte(
    both: tuple[MailServer, ImapService],
) -> None:
    mail, imap = both
    context: ssl.SSLContext = mail.client_context()
    wire = await Wire.open(imap.ports["imaps"], context)
    await wire.line()
    await wire.command(f'a1 LOGIN {NURSE} "{PASSWORD}"'.encode())
    await wire.command(b"a2 SELECT INBOX")
    wire.send(b"a3 IDLE\r\n")
    assert await wire.line() == b"+ idling\r\n"
    raw = message(DOCTOR, NURSE, "Avis cardio", "Le patient va bien, é à ç.")
    started = time.monotonic()
    async with aiosmtplib.SMTP(
        hostname="localhost",
        port=mail.port("submission"),
        start_tls=True,
        tls_context=context,
    ) as client:
        await client.login(DOCTOR, PASSWORD)
        await client.sendmail(DOCTOR, [NURSE], raw)
    assert await asyncio.wait_for(wire.line(), 1) == b"* 1 EXISTS\r\n"
    assert time.monotonic() - started < 1.5
    wire.send(b"DONE\r\n")
    await wire.until(b"a3")
    [line, done] = await wire.command(b"a4 FETCH 1 BODY.PEEK[]")
    assert done == b"a4 OK FETCH completed\r\n"
    assert line.startswith(b"* 1 FETCH (BODY[] {") and line.endswith(raw + b")\r\n")
    assert b"Received: from " in line
    await wire.close()


async def test_fetch_and_search_see_the_exact_size_and_date_not_the_perturbed_row(
    both: tuple[MailServer, ImapService],
) -> None:
    """The row's clear size and date are perturbed (issue 13, item 5); IMAP answers from the
    sealed summary: RFC822.SIZE is the literal's length, SMALLER/LARGER bracket it exactly."""
    mail, imap = both
    context = mail.client_context()
    raw = message(DOCTOR, NURSE, "Taille exacte")
    async with aiosmtplib.SMTP(
        hostname="localhost", port=mail.port("submission"), start_tls=True, tls_context=context
    ) as client:
        await client.login(DOCTOR, PASSWORD)
        await client.sendmail(DOCTOR, [NURSE], raw)
    wire = await Wire.open(imap.ports["imaps"], context)
    await wire.line()
    await wire.command(f'a1 LOGIN {NURSE} "{PASSWORD}"'.encode())
    await wire.command(b"a2 SELECT INBOX")
    [line, _] = await wire.command(b"a3 FETCH 1 (RFC822.SIZE INTERNALDATE BODY.PEEK[])")
    size = int(line.split(b"RFC822.SIZE ", 1)[1].split(b" ", 1)[0])
    assert line.endswith(b"{%d}\r\n" % size + line[-size - 3 : -3] + b")\r\n")
    assert line[-size - 3 : -3].endswith(raw)
    date = line.split(b'INTERNALDATE "', 1)[1].split(b'"', 1)[0].decode().strip()
    stamp = datetime.datetime.strptime(date, "%d-%b-%Y %H:%M:%S %z").timestamp()
    assert abs(stamp - time.time()) < 60, "the exact date, not one moved by up to an hour"
    [found, _] = await wire.command(b"a4 SEARCH SMALLER %d LARGER %d" % (size + 1, size - 1))
    assert found == b"* SEARCH 1\r\n"
    await wire.close()
