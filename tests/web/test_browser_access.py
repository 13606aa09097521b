"""Accessibility basics in a real browser at 360 px: the keyboard alone signs in and opens a
message, focus is visible, every control has a label, and no page scrolls sideways."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from mailserver import PASSWORD, PATIENT
from mss.delivery import deliver

from .browser import needs_chromium, new_page, screenshot
from .harness import Web, with_attachment

pytestmark = needs_chromium

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter(el => el.type !== 'hidden' && !el.hidden && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map(el => el.outerHTML)"""


async def check_page(page: Page) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360, page.url
    assert await page.evaluate(UNLABELLED) == [], page.url


async def test_keyboard_focus_labels_and_small_screens(web: Web, browser: Browser) -> None:
    raw = with_attachment(PATIENT, "Vaccination", "Rappel de vaccination.", "rappel.pdf", b"%PDF")
    appended = await deliver(web.runtime.store, web.accounts[PATIENT], "INBOX", raw)
    context, page = await new_page(browser, 360, 740)
    await page.goto(f"{web.url}/login")
    await check_page(page)
    await page.keyboard.type(PATIENT)  # the address field has the focus on arrival
    await page.keyboard.press("Tab")
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r"/mail/\d+$"))
    await check_page(page)

    await expect(page.locator("main h1")).to_be_focused()  # the page change lands on it
    first = await page.evaluate(
        "document.querySelector('a[href], button, input, select').textContent.trim()"
    )
    assert first == "Aller au contenu", "the skip link comes first"
    await page.locator("a.skip").first.focus()
    focused = await page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.textContent.trim(), s.outlineStyle, s.outlineWidth]; })()"
    )
    assert focused[1] != "none" and focused[2] != "0px", "focus is visible"

    link = page.locator("#listing a").first
    await link.focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(rf"/mail/\d+/{appended.uid}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Vaccination")
    await check_page(page)
    for path in ("/documents", "/settings", f"/mail/{appended.mailbox_id}/{appended.uid}/reply"):
        await page.goto(f"{web.url}{path}")
        await check_page(page)
        await screenshot(page, path.strip("/").split("/")[-1])
    await context.close()
