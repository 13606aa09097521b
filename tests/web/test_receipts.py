"""Read receipts in the webmail, in Chromium: the setting, the French prompt, one MDN at most."""

from __future__ import annotations

import asyncio
import re
from email import message_from_bytes
from email.policy import default

from playwright.async_api import Browser, Page, expect

from mailserver import DOCTOR, PASSWORD, PATIENT, read_mailbox
from mss.receipts.mdn import DISPLAYED_BY_SETTING, MANUAL, Disposition, parse_mdn
from tests.receipts.mail import request, submit

from .browser import needs_chromium, new_page, screenshot
from .harness import Web, sign_in
from .test_browser_access import check_page


async def displayed_mdns(web: Web, expected: int) -> list[Disposition]:
    """The doctor's "displayed" MDNs, once ``expected`` have arrived (or after 10 s)."""
    found: list[Disposition] = []
    for _ in range(50):
        found = []
        for raw in await read_mailbox(web.runtime, DOCTOR):
            parsed = parse_mdn(message_from_bytes(raw, policy=default))
            if parsed is not None and parsed.disposition_type == "displayed":
                found.append(parsed)
        if len(found) >= expected:
            break
        await asyncio.sleep(0.2)
    return found


async def open_newest(page: Page, web: Web) -> None:
    await page.goto(f"{web.url}/mail")
    await page.get_by_role("link", name=re.compile("Résultats d'analyse")).first.click()
    await expect(page.locator("h1")).to_have_text("Résultats d'analyse")


@needs_chromium
async def test_patient_always_then_ask_sends_one_each(web: Web, browser: Browser) -> None:
    await submit(web.mail, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "toujours"))
    context, page = await new_page(browser, width=1280)
    await page.goto(f"{web.url}/login")
    await page.get_by_label("Adresse de messagerie").fill(PATIENT)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(re.compile(r"/mail/\d+$"))

    await page.goto(f"{web.url}/settings")
    select = page.get_by_label("Quand un accusé de lecture est demandé")
    await expect(select).to_have_value("ask")
    await select.select_option("always")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Enregistrer").click()
    await expect(page.get_by_label("Quand un accusé de lecture est demandé")).to_have_value(
        "always"
    )

    await open_newest(page, web)
    await expect(page.locator(".receipt-prompt")).to_have_count(0)
    [mdn] = await displayed_mdns(web, 1)
    assert mdn.original_message_id == "<toujours@hopital.example>"
    assert mdn.action_mode == DISPLAYED_BY_SETTING
    await open_newest(page, web)
    assert len(await displayed_mdns(web, 2)) == 1, "opening twice sends one"

    await page.goto(f"{web.url}/settings")
    await page.get_by_label("Quand un accusé de lecture est demandé").select_option("ask")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Enregistrer").click()
    await submit(web.mail, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "demande"))
    await open_newest(page, web)
    prompt = page.locator(".receipt-prompt")
    await expect(prompt).to_contain_text("Accusé de lecture demandé")
    await expect(prompt).to_contain_text(f"{DOCTOR} demande à être averti")
    await screenshot(page, "receipt-prompt-1280")
    await page.set_viewport_size({"width": 360, "height": 800})
    await check_page(page)  # no sideways scroll, every control labelled, at 360 px
    await screenshot(page, "receipt-prompt-360")
    await page.goto(f"{web.url}/settings")
    await check_page(page)
    await open_newest(page, web)
    assert len(await displayed_mdns(web, 2)) == 1, "nothing before the patient answers"
    async with page.expect_navigation():
        await prompt.get_by_role("button", name="Envoyer l'accusé de lecture").click()
    await expect(page.locator(".receipt-prompt")).to_have_count(0)
    mdns = await displayed_mdns(web, 2)
    assert [m.original_message_id for m in mdns] == [
        "<toujours@hopital.example>",
        "<demande@hopital.example>",
    ]
    assert mdns[1].action_mode == MANUAL
    await context.close()


async def test_never_sends_nothing_and_declining_is_kept(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    answer = await patient.post("/api/account/read-receipts", json={"mode": "never"})
    assert answer.status_code == 200, answer.text
    await submit(web.mail, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "jamais"))
    inbox = await patient.folder_id()
    [row] = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    page = await patient.get(f"/mail/{inbox}/{row['uid']}")
    assert "receipt-prompt" not in page.text
    assert await displayed_mdns(web, 1) == []
    refused = await patient.client.post(
        "/api/account/read-receipts", json={"mode": "always"}, headers={}
    )
    assert refused.status_code == 403, "the setting is behind the CSRF check"
