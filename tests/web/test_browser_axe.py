"""axe-core, from its npm package (tests/web/package.json), run inside Chromium on every page of
the webmail at 1280 and 360 px, with the menus open and a confirmation shown: 0 violations.
Each page is also kept as a screenshot in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from pdfs import plain_pdf
from playwright.async_api import Browser, Page

from mailserver import PASSWORD, PATIENT
from mss.delivery import deliver

from .browser import axe_violations, needs_axe, needs_chromium, new_page, screenshot
from .harness import Web, professional_writes, with_attachment
from .test_browser_comfort import newsletter
from .test_browser_documents import echography_meta
from .test_conversations import exchange

pytestmark = [needs_chromium, needs_axe]


async def clean(page: Page, name: str) -> None:
    violations = await axe_violations(page)
    await screenshot(page, f"axe-{name}")
    assert violations == [], f"{page.url}: {violations}"


@pytest.mark.parametrize("width", [1280, 360])
async def test_every_page_has_no_axe_violation(web: Web, browser: Browser, width: int) -> None:
    raw = with_attachment(
        PATIENT, "Vaccination", "Rappel de vaccination.", "rappel.pdf", plain_pdf(1)
    )
    await professional_writes(web, PATIENT, raw)
    for mail in exchange(3):
        thread = await deliver(web.runtime.store, web.accounts[PATIENT], "INBOX", mail)
    html = await deliver(web.runtime.store, web.accounts[PATIENT], "INBOX", newsletter(PATIENT))
    document = await web.runtime.vault.file(web.accounts[PATIENT], echography_meta(), plain_pdf(1))
    context, page = await new_page(browser, width, 800)
    await page.goto(f"{web.url}/login")
    await clean(page, f"login-{width}")
    await page.get_by_label("Adresse de messagerie").fill(PATIENT)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(re.compile(r"/mail/\d+$"))
    if width == 360:
        await page.get_by_role("button", name="Menu").click()
        await page.get_by_role("button", name=re.compile("^Dossiers")).click()
    await clean(page, f"inbox-{width}")

    await page.locator("#listing a", has_text="Rappel de vaccination.").click()
    await page.wait_for_url(re.compile(r"/mail/\d+/\d+$"))
    message = page.url
    await clean(page, f"message-{width}")
    await page.get_by_role("link", name="Afficher rappel.pdf").click()
    await page.locator('.pdf-page[data-page="1"][data-rendered="true"]').wait_for()
    await clean(page, f"pdf-viewer-{width}")
    await page.goto(f"{web.url}/mail/{thread.mailbox_id}/{thread.uid}")
    await clean(page, f"conversation-{width}")
    await page.goto(f"{web.url}/mail/{html.mailbox_id}/{html.uid}")
    await clean(page, f"newsletter-{width}")
    await page.goto(f"{message}/reply")
    await clean(page, f"reply-{width}")
    await page.get_by_label("Message", exact=True).fill("Merci.")
    await page.get_by_role("button", name="Envoyer").click()
    await page.wait_for_url(re.compile(r"/mail/\d+$"))
    await page.locator("#toast").filter(has_text="Message envoyé").wait_for()
    await clean(page, f"sent-{width}")
    for path in (
        "/documents",
        "/settings",
        "/settings/stolen",
        "/agenda",
        "/mail/999999",
        "/professionals",
    ):
        await page.goto(f"{web.url}{path}")
        await clean(page, f"{path.strip('/').replace('/', '-')}-{width}")
    await page.goto(f"{web.url}/documents?type=lab")
    await clean(page, f"documents-filtered-{width}")
    await page.goto(f"{web.url}/documents/{document}")
    await page.locator('.pdf-page[data-page="1"][data-rendered="true"]').wait_for()
    await clean(page, f"document-{width}")
    await context.close()
