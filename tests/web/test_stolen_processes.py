"""The stolen path across processes, and during IDLE (issue 13, item 3): credential generations
live in the database, so a bump made by one server process ends the sessions another serves,
within a second; an idling client gets its BYE within about two seconds, not at its next command.

A second :class:`Runtime` over the same database stands for another server process (SQLite file
and PostgreSQL; on SQLite there is no change feed between the two)."""

from __future__ import annotations

import asyncio
import imaplib
import time
from collections.abc import AsyncIterator

import pytest
from imapclient import IMAPClient

from mailserver import PASSWORD, PATIENT, MailServer
from mss.runtime import Runtime
from mss.services import build_services

from .harness import Web, sign_in

NEW_PASSWORD = "Reprendre la main sur mon compte, 2026 !"
WITHIN = 1.0
"""What mss/generations.py promises another process (its cache lives 0.5 s)."""
BYE_WITHIN = 2.0


@pytest.fixture
async def other(web_imap: Web) -> AsyncIterator[MailServer]:
    """The IMAP server of a second process on the same database."""
    runtime = await Runtime.open(web_imap.runtime.settings)
    imap = next(service for service in build_services(runtime) if service.name == "imap")
    await imap.start()
    server = MailServer(runtime, [imap], dict(web_imap.accounts))
    try:
        yield server
    finally:
        await server.stop()
        await runtime.close()


def _imap_open(mail: MailServer, secret: str) -> imaplib.IMAP4_SSL:
    context = mail.client_context()
    client = imaplib.IMAP4_SSL("localhost", mail.port("imaps"), ssl_context=context)
    client.login(PATIENT, secret)
    return client


def _noop(client: imaplib.IMAP4_SSL) -> str:
    try:
        status, _ = client.noop()
    except (imaplib.IMAP4.abort, OSError) as error:
        return f"ended: {error}"
    return str(status)


async def _stolen_path(web: Web) -> None:
    owner = await sign_in(web, PATIENT)
    answer = await owner.post(
        "/api/account/stolen", json={"current": PASSWORD, "new": NEW_PASSWORD}
    )
    assert answer.status_code == 200, answer.text


async def test_the_stolen_path_in_one_process_ends_imap_in_another(
    web_imap: Web, other: MailServer
) -> None:
    unlocked = await web_imap.runtime.accounts.authenticate(PATIENT, PASSWORD)
    _, app_password = await web_imap.runtime.accounts.add_app_password(unlocked, "Thunderbird")
    session = await asyncio.to_thread(_imap_open, other, app_password)
    assert await asyncio.to_thread(_noop, session) == "OK"  # the other process has cached it

    await _stolen_path(web_imap)
    bumped = time.monotonic()
    reply = "OK"
    while reply == "OK" and time.monotonic() - bumped < 3 * WITHIN:
        reply = await asyncio.to_thread(_noop, session)
        await asyncio.sleep(0.05)
    seen_after = time.monotonic() - bumped
    session.shutdown()
    assert reply.startswith("ended"), "the other process never ended the thief's session"
    assert seen_after <= WITHIN + 0.2, f"seen after {seen_after:.2f} s"

    # A session opened in the other process with the new password is not ended by the bump.
    fresh = await asyncio.to_thread(_imap_open, other, NEW_PASSWORD)
    await asyncio.sleep(WITHIN)
    assert await asyncio.to_thread(_noop, fresh) == "OK"
    await asyncio.to_thread(fresh.logout)


def _idle_until_bye(mail: MailServer, secret: str, started: asyncio.Event, loop: object) -> str:
    """IDLE with imapclient; the first untagged answer the server pushes."""
    client = IMAPClient("localhost", port=mail.port("imaps"), ssl_context=mail.client_context())
    client.login(PATIENT, secret)
    client.select_folder("INBOX")
    client.idle()
    assert isinstance(loop, asyncio.AbstractEventLoop)
    loop.call_soon_threadsafe(started.set)
    try:
        responses = client.idle_check(timeout=10)
    except (imaplib.IMAP4.abort, OSError) as error:
        return f"ended: {error}"
    finally:
        client.shutdown()
    return repr(responses)


@pytest.mark.parametrize("where", ["same", "other"])
async def test_an_idling_client_gets_bye_at_once(
    web_imap: Web, other: MailServer, where: str
) -> None:
    mail = web_imap.mail if where == "same" else other
    unlocked = await web_imap.runtime.accounts.authenticate(PATIENT, PASSWORD)
    _, app_password = await web_imap.runtime.accounts.add_app_password(unlocked, "Thunderbird")
    started = asyncio.Event()
    idling = asyncio.create_task(
        asyncio.to_thread(_idle_until_bye, mail, app_password, started, asyncio.get_running_loop())
    )
    await asyncio.wait_for(started.wait(), 10)
    await asyncio.sleep(0.2)  # the server is waiting in IDLE, its cache filled
    await _stolen_path(web_imap)
    bumped = time.monotonic()
    answer = await asyncio.wait_for(idling, 15)
    elapsed = time.monotonic() - bumped
    assert "BYE" in answer or answer.startswith("ended"), answer
    assert elapsed <= BYE_WITHIN, f"BYE after {elapsed:.2f} s: {answer}"
