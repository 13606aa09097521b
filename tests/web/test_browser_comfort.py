"""The webmail's second pass in Chromium at 1280 and 360 px (issue 16, items 2, 4, 5, 10): a
send and a password change show a confirmation on the page that follows; HTML mail is as tall as
its content, with no inner scroll bar; the phone layout keeps the header on one line and the
folders in a menu, without sideways scrolling; the keyboard starts at the main heading and skip
links lead to the list and to the message's actions. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from mailserver import DOCTOR, PASSWORD, PATIENT
from mss.delivery import deliver

from .browser import needs_chromium, new_page, screenshot
from .harness import Web, professional_writes

pytestmark = needs_chromium

NEW_PASSWORD = "un autre mot de passe solide"


def newsletter(recipient: str) -> bytes:
    """An HTML mail about three screens tall at 360 px, ending with a line to look for."""
    paragraphs = "".join(
        f"<p>Paragraphe {n} : conseils de prévention pour l'hiver, vaccination et repos.</p>"
        for n in range(40)
    )
    html = f"<html><body><h2>Lettre du centre de santé</h2>{paragraphs}<p>Fin de la lettre</p>"
    return (
        f"From: Centre de santé <{DOCTOR}>\r\nTo: <{recipient}>\r\nSubject: Lettre d'hiver\r\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        f"{html}</body></html>\r\n"
    ).encode()


def plain(recipient: str, subject: str) -> bytes:
    return (
        f"From: Dr Jeanne Martin <{DOCTOR}>\r\nTo: <{recipient}>\r\nSubject: {subject}\r\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0100\r\nMessage-ID: <suivi-1@hopital.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour, comment allez-vous ?\r\n"
    ).encode()


async def sign_in(page: Page, web: Web, password: str = PASSWORD) -> None:
    await page.goto(f"{web.url}/login")
    await page.get_by_label("Adresse de messagerie").fill(PATIENT)
    await page.get_by_label("Mot de passe").fill(password)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(re.compile(r"/mail/\d+$"))


async def no_sideways_scroll(page: Page) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        page.url
    )


@pytest.mark.parametrize("width", [1280, 360])
async def test_send_and_password_change_are_confirmed(
    web: Web, browser: Browser, width: int
) -> None:
    await professional_writes(web, PATIENT, plain(PATIENT, "Suivi"))
    context, page = await new_page(browser, width, 800)
    await sign_in(page, web)
    await page.locator("#listing a", has_text="Suivi").click()
    await page.get_by_role("link", name="Répondre", exact=True).click()
    await page.get_by_label("Message", exact=True).fill("Je vais bien, merci.")
    await page.get_by_role("button", name="Envoyer").click()
    await page.wait_for_url(re.compile(r"/mail/\d+$"))
    toast = page.get_by_role("status").filter(has_text="Message envoyé")
    await expect(toast).to_be_visible()
    await screenshot(page, f"sent-{width}")

    await page.goto(f"{web.url}/settings")
    await expect(page.locator("#toast")).to_be_empty()  # shown once, not on every page
    await page.locator("#current").fill(PASSWORD)
    await page.locator("#new").fill(NEW_PASSWORD)
    await page.locator("#confirm").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Changer le mot de passe").click()
    await expect(page.locator("#toast")).to_have_text(re.compile("Mot de passe changé"))
    await expect(page.get_by_role("button", name="Fermer", exact=True)).to_be_visible()
    await screenshot(page, f"password-changed-{width}")
    await context.close()


@pytest.mark.parametrize("width", [1280, 360])
async def test_html_mail_is_as_tall_as_its_content(web: Web, browser: Browser, width: int) -> None:
    appended = await deliver(web.runtime.store, web.accounts[PATIENT], "INBOX", newsletter(PATIENT))
    context, page = await new_page(browser, width, 740)
    await sign_in(page, web)
    await page.goto(f"{web.url}/mail/{appended.mailbox_id}/{appended.uid}")
    frame = page.locator("iframe.html-body")
    await expect(frame).to_have_attribute("data-sized", "true")
    height = (await frame.bounding_box() or {"height": 0})["height"]
    assert height > 3 * 740 if width == 360 else height > 740, height
    inner = page.frame_locator("iframe.html-body").locator("html")
    sizes = await inner.evaluate("(h) => [h.scrollHeight, h.clientHeight]")
    assert sizes[0] <= sizes[1], f"an inner scroll bar: {sizes}"
    await expect(
        page.frame_locator("iframe.html-body").get_by_text("Fin de la lettre")
    ).to_be_attached()
    await no_sideways_scroll(page)
    await screenshot(page, f"newsletter-{width}")
    await context.close()


async def test_phone_header_and_folder_menu(web: Web, browser: Browser) -> None:
    appended = await deliver(
        web.runtime.store, web.accounts[PATIENT], "INBOX", plain(PATIENT, "Suivi")
    )
    context, page = await new_page(browser, 360, 740)
    await sign_in(page, web)
    header = await page.locator("header.top").bounding_box()
    brand = await page.locator("header .brand").bounding_box()
    assert header is not None and brand is not None
    assert header["height"] < 2 * max(brand["height"], 44), "the header is one line"
    await no_sideways_scroll(page)
    sent = page.locator('#folders a[data-role="sent"]')
    await expect(sent).to_be_hidden()
    await page.get_by_role("button", name=re.compile("^Dossiers")).click()
    await expect(sent).to_be_visible()
    await no_sideways_scroll(page)
    await screenshot(page, "folders-menu-360")
    await sent.click()
    await page.wait_for_url(re.compile(r"/mail/\d+$"))
    await expect(page.get_by_role("button", name="Dossiers : Envoyés")).to_be_visible()

    await page.get_by_role("button", name="Menu").click()
    await page.get_by_role("link", name="Paramètres").click()
    await page.wait_for_url(re.compile(r"/settings$"))
    await no_sideways_scroll(page)
    for path in ("/documents", "/agenda", f"/mail/{appended.mailbox_id}/{appended.uid}"):
        await page.goto(f"{web.url}{path}")
        await no_sideways_scroll(page)
        await screenshot(page, f"{path.strip('/').replace('/', '-')}-360")
    await context.close()


async def test_keyboard_starts_at_the_heading_and_skips(web: Web, browser: Browser) -> None:
    appended = await deliver(
        web.runtime.store, web.accounts[PATIENT], "INBOX", plain(PATIENT, "Suivi")
    )
    context, page = await new_page(browser, 1280, 800)
    await sign_in(page, web)
    await expect(page.locator("main h1")).to_be_focused()  # not <body>
    tabs = 0
    first = page.locator("#listing a").first
    while not await first.evaluate("(a) => a === document.activeElement"):
        await page.keyboard.press("Tab")
        tabs += 1
        assert tabs <= 10, "the first message is within 10 Tabs of the heading"

    await page.goto(f"{web.url}/mail/{appended.mailbox_id}")
    await page.keyboard.press("Shift+Tab")  # from the heading back towards the skip links
    await page.locator("a.skip", has_text="Aller à la liste des messages").focus()
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    await expect(first).to_be_focused()
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(rf"/mail/\d+/{appended.uid}$"))
    await expect(page.get_by_role("heading", level=1)).to_be_focused()
    await page.locator("a.skip", has_text="Aller aux actions du message").focus()
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Répondre", exact=True)).to_be_focused()
    await page.get_by_role("button", name="Marquer comme non lu").click()
    await page.wait_for_url(re.compile(r"/mail/\d+$"))
    await expect(page.locator("#toast")).to_have_text("Message marqué comme non lu.")
    await context.close()
