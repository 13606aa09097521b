"""The patient's day in a real browser: sign in; a professional sends a PDF over SMTP and it
appears in the open inbox without a reload; open it, save the PDF to the documents, reply; the
professional reads the reply over IMAP. Screenshots go to test-artifacts/."""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import imaplib
import re
import ssl
from collections.abc import AsyncIterator

import aiosmtplib
import pytest
from playwright.async_api import Browser, expect

from mailserver import DOCTOR, PASSWORD, PATIENT
from mss.imap.session.server import ImapService
from mss.imap.session.settings import ImapSettings
from mss.tls import server_context, tls_files

from .browser import needs_chromium, new_page, screenshot
from .harness import Web

pytestmark = needs_chromium


def pdf_message(subject: str) -> bytes:
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    encoded = base64.encodebytes(pdf).decode()
    return (
        f"From: Dr Jeanne Martin <{DOCTOR}>\r\nTo: <{PATIENT}>\r\nSubject: {subject}\r\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0100\r\nMessage-ID: <cr-123@hopital.example>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Bonjour, voici le compte rendu de votre consultation.\r\n"
        '--b\r\nContent-Type: application/pdf; name="compte-rendu.pdf"\r\n'
        'Content-Disposition: attachment; filename="compte-rendu.pdf"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{encoded}--b--\r\n"
    ).encode()


@pytest.fixture
async def imap(web: Web) -> AsyncIterator[int]:
    settings = ImapSettings.from_settings(web.runtime.settings)
    service = ImapService(web.runtime, settings, server_context(tls_files(web.runtime.settings)))
    await service.start()
    try:
        yield service.ports["imaps"]
    finally:
        await service.stop()


def read_inbox_over_imap(port: int, context: ssl.SSLContext) -> list[bytes]:
    with imaplib.IMAP4_SSL("localhost", port, ssl_context=context) as client:
        client.login(DOCTOR, PASSWORD)
        client.select("INBOX")
        _, found = client.search(None, "ALL")
        messages = []
        for number in found[0].split():
            _, data = client.fetch(number, "(BODY.PEEK[])")
            envelope = data[0]
            assert isinstance(envelope, tuple), "FETCH answers (prefix, literal)"
            messages.append(envelope[1])
        return messages


async def test_patient_receives_saves_and_replies(web: Web, browser: Browser, imap: int) -> None:
    context, page = await new_page(browser)
    await page.goto(f"{web.url}/login")
    await page.get_by_label("Adresse de messagerie").fill(PATIENT)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(re.compile(r"/mail/\d+$"))
    await expect(page.locator("body")).to_have_attribute("data-ws", "open")

    subject = "Compte rendu de consultation"
    async with aiosmtplib.SMTP(
        hostname="localhost",
        port=web.mail.port("submission"),
        start_tls=True,
        tls_context=web.mail.client_context(),
    ) as smtp:
        await smtp.login(DOCTOR, PASSWORD)
        await smtp.sendmail(DOCTOR, [PATIENT], pdf_message(subject))

    row = page.locator("#listing li.unread", has_text=subject)
    await expect(row).to_be_visible()  # pushed over the websocket: no reload
    await expect(page.locator('#folders a[data-role="inbox"] .badge')).to_have_text("1")
    await screenshot(page, "inbox")

    await row.get_by_role("link").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(subject)
    await expect(page.get_by_text("Bonjour, voici le compte rendu")).to_be_visible()
    await expect(page.locator('#folders a[data-role="inbox"] .badge')).to_have_count(0)
    await screenshot(page, "message")

    save = page.get_by_role("button", name="Enregistrer dans mes documents compte-rendu.pdf")
    await save.click()
    saved = page.get_by_role("button", name="Enregistré dans mes documents")
    await expect(saved).to_be_visible(timeout=15_000)  # sealing a document on a busy machine

    await page.get_by_role("link", name="Répondre", exact=True).click()
    await expect(page.get_by_label("À", exact=True)).to_have_value(re.compile(DOCTOR))
    await page.get_by_label("Message", exact=True).fill("Merci docteur, bien reçu.")
    await page.get_by_role("button", name="Envoyer").click()
    await page.wait_for_url(re.compile(r"/mail/\d+$"))

    await page.get_by_role("button", name="Menu").click()  # folded on a phone
    await page.get_by_role("link", name="Mes documents").click()
    documents = page.locator("ul.documents li")
    await expect(documents).to_have_count(1)
    await expect(documents).to_contain_text("compte-rendu")
    await expect(documents).to_contain_text("Compte rendu")  # type guessed from the name
    await expect(documents).to_contain_text(f"Reçu de {DOCTOR}")
    await screenshot(page, "vault")
    await context.close()

    replies = await asyncio.to_thread(read_inbox_over_imap, imap, web.mail.client_context())
    [reply] = [email.message_from_bytes(r, policy=email.policy.default) for r in replies]
    assert reply["Subject"] == f"Re: {subject}"
    assert reply["In-Reply-To"] == "<cr-123@hopital.example>"
    body = reply.get_body(preferencelist=("plain",))
    assert body is not None and "Merci docteur, bien reçu." in body.get_content()
