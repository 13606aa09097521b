"""Conversations and the attachment viewers in Chromium (issue 16, items 1 and 3): an exchange
of eight messages is one line of the list, opened on its newest message with the seven others
listed; a PDF attachment shows its first page in the webmail's PDF.js viewer and an image in
the image viewer, with no request leaving the origin. SQLite only: the storage is covered by the
HTTP tests. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from pdfs import plain_pdf
from playwright.async_api import Browser, expect

from mailserver import PATIENT

from .browser import needs_chromium, new_page, screenshot
from .harness import Web, professional_writes, with_attachment
from .test_browser_comfort import no_sideways_scroll, sign_in
from .test_conversations import PNG, exchange

pytestmark = [needs_chromium, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


async def test_a_thread_of_eight_is_one_conversation(web: Web, browser: Browser) -> None:
    for raw in exchange(8):
        await professional_writes(web, PATIENT, raw)
    context, page = await new_page(browser, 360, 740)
    await sign_in(page, web)
    rows = page.locator("#listing li")
    await expect(rows).to_have_count(1)
    await expect(rows.first.locator(".count")).to_have_text(re.compile("8"))
    await expect(rows.first.locator(".preview")).to_have_text("Message numéro 7 de l'échange.")
    await no_sideways_scroll(page)
    await screenshot(page, "conversation-list-360")

    await rows.first.locator("a").click()
    await page.wait_for_url(re.compile(r"/mail/\d+/\d+$"))
    thread = page.get_by_role("region", name="Conversation : 8 messages")
    await expect(thread.locator("li")).to_have_count(8)
    await expect(thread.locator('[aria-current="true"]')).to_contain_text("numéro 7")
    await expect(page.locator(".plain")).to_contain_text("Message numéro 7")
    await no_sideways_scroll(page)
    await screenshot(page, "conversation-open-360")
    # Opening the conversation read it all: the folder's unread badge goes.
    await expect(page.locator('#folders a[data-role="inbox"] .badge')).to_have_count(0)

    await thread.get_by_role("link").first.click()
    await expect(page.locator(".plain")).to_contain_text("Message numéro 0")
    await context.close()


async def test_pdf_and_image_attachments_show_in_their_viewers(web: Web, browser: Browser) -> None:
    pdf = plain_pdf(3, "Compte rendu de consultation")
    await professional_writes(
        web, PATIENT, with_attachment(PATIENT, "CR", "Ci-joint.", "cr.pdf", pdf)
    )
    photo = with_attachment(PATIENT, "Photo", "Ci-joint.", "grain.png", PNG)
    await professional_writes(web, PATIENT, photo.replace(b"application/pdf", b"image/png"))
    context, page = await new_page(browser, 1280, 900)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(web.url) else None)
    await sign_in(page, web)
    await page.locator("#listing a", has_text="CR").click()
    await page.get_by_role("link", name="Afficher cr.pdf").click()
    await page.wait_for_url(re.compile(r"/attachments/2$"))
    first = page.locator('.pdf-page[data-page="1"]')
    await expect(first).to_have_attribute("data-rendered", "true")
    await expect(first.get_by_role("img", name="Page 1 sur 3")).to_be_visible()
    drawn = await first.locator("canvas").evaluate(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " for (let i = 0; i < d.length; i += 4) if (d[i] < 128) return true; return false; }"
    )
    assert drawn, "the first page has dark pixels: its text was drawn"
    await screenshot(page, "pdf-viewer-1280")

    await page.goto(f"{web.url}/mail")
    await page.locator("#listing a", has_text="Photo").click()
    await page.get_by_role("link", name="Afficher grain.png").click()
    image = page.get_by_role("img", name="grain.png")
    await expect(image).to_be_visible()
    assert await image.evaluate("i => i.complete && i.naturalWidth === 1")
    await screenshot(page, "image-viewer-1280")
    await context.close()
    assert outside == [], outside
