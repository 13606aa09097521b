"""« Mon compte a été piraté » in Chromium at 1280 and 360 px (issue 13, item 3; SQLite only):
the page says what will happen, checks the new password's strength, shows the new recovery key
once with a copy button, and the thief's mail client stops working on the real IMAP server."""

from __future__ import annotations

import asyncio
import imaplib
import re

import pytest
from playwright.async_api import Browser, Page, expect

from mailserver import PASSWORD, PATIENT
from mss.accounts import AuthenticationFailed
from mss.store.records import CredentialKind

from .browser import AXE, axe_violations, needs_chromium, new_page, screenshot
from .harness import Web

pytestmark = [needs_chromium, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

NEW_PASSWORD = "Girafe tisane boussole 2026"
WEAK_PASSWORD = "motdepasse1"


def _imap_open(web: Web, secret: str) -> imaplib.IMAP4_SSL:
    context = web.mail.client_context()
    client = imaplib.IMAP4_SSL("localhost", web.mail.port("imaps"), ssl_context=context)
    client.login(PATIENT, secret)
    return client


def _noop(client: imaplib.IMAP4_SSL) -> str:
    try:
        status, _ = client.noop()
    except (imaplib.IMAP4.abort, OSError) as error:
        return f"ended: {error}"
    return str(status)


def _login(web: Web, secret: str) -> str:
    context = web.mail.client_context()
    with imaplib.IMAP4_SSL("localhost", web.mail.port("imaps"), ssl_context=context) as client:
        try:
            client.login(PATIENT, secret)
        except imaplib.IMAP4.error as error:
            return str(error)
        return "OK"


@pytest.mark.parametrize("width", [1280, 360])
async def test_taking_the_account_back_from_the_settings(
    web_imap: Web, browser: Browser, width: int
) -> None:
    runtime = web_imap.runtime
    unlocked = await runtime.accounts.authenticate(PATIENT, PASSWORD)
    _, app_password = await runtime.accounts.add_app_password(unlocked, "Téléphone volé")
    old_recovery = await runtime.accounts.new_recovery_key(unlocked)
    thief = await asyncio.to_thread(_imap_open, web_imap, app_password)
    assert await asyncio.to_thread(_noop, thief) == "OK"

    context, page = await new_page(browser, width, 900)
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web_imap.url)
    await page.goto(f"{web_imap.url}/login")
    await page.get_by_label("Adresse de messagerie").fill(PATIENT)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(re.compile(r"/mail/\d+$"))
    await page.goto(f"{web_imap.url}/settings")
    await page.get_by_role("link", name="Mon compte a été piraté").click()
    await page.wait_for_url(re.compile(r"/settings/stolen$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte a été piraté")
    await expect(page.get_by_text("sont déconnectés immédiatement")).to_be_visible()
    for box in (
        "Supprimer tous les mots de passe d'application",
        "Fermer toutes les autres sessions",
        "Remplacer la clé de récupération",
    ):
        await expect(page.get_by_label(re.compile(box))).to_be_checked()
    await expect(page.get_by_label(re.compile("clés d'API"))).to_have_count(0)
    await clean(page, f"stolen-{width}")

    submit = page.get_by_role("button", name="Changer le mot de passe et protéger mon compte")
    await page.get_by_label("Mot de passe actuel").fill(PASSWORD)
    await page.get_by_label(re.compile("^Nouveau mot de passe")).fill(WEAK_PASSWORD)
    await page.get_by_label("Confirmer le nouveau mot de passe").fill(WEAK_PASSWORD)
    await submit.click()
    error = page.locator("#stolen-form .form-error")
    await expect(error).to_contain_text("trop facile à deviner")
    await clean(page, f"stolen-weak-{width}")
    assert await asyncio.to_thread(_noop, thief) == "OK", "nothing was done yet"

    await page.get_by_label(re.compile("^Nouveau mot de passe")).fill(NEW_PASSWORD)
    await page.get_by_label("Confirmer le nouveau mot de passe").fill(NEW_PASSWORD)
    await submit.click()
    await expect(
        page.get_by_role("heading", name="Votre compte est de nouveau protégé")
    ).to_be_visible()
    output = page.locator("#stolen-recovery-output")
    await expect(output).not_to_be_empty()
    recovery = (await output.text_content() or "").strip()
    await expect(submit).to_be_hidden()
    await page.get_by_role("button", name="Copier la clé").click()
    await expect(page.locator('button[data-copy="stolen-recovery-output"]')).to_have_text("Copié")
    assert await page.evaluate("navigator.clipboard.readText()") == recovery
    await clean(page, f"stolen-done-{width}")

    # The effects, on the real IMAP server and in the core.
    assert (await asyncio.to_thread(_noop, thief)).startswith("ended")
    thief.shutdown()
    assert "AUTHENTICATIONFAILED" in await asyncio.to_thread(_login, web_imap, app_password)
    assert await asyncio.to_thread(_login, web_imap, NEW_PASSWORD) == "OK"
    with pytest.raises(AuthenticationFailed):
        await runtime.accounts.authenticate(PATIENT, old_recovery)
    recovered = await runtime.accounts.authenticate(PATIENT, recovery)
    assert recovered.via is CredentialKind.RECOVERY

    await page.get_by_role("link", name=re.compile("J'ai noté ma clé")).click()
    await page.wait_for_url(re.compile(r"/settings$"))
    await page.goto(f"{web_imap.url}/settings/stolen")
    await expect(page.locator("#stolen-recovery-output")).to_be_empty()  # shown once
    await context.close()


async def clean(page: Page, name: str) -> None:
    await screenshot(page, name)
    if AXE.exists():
        assert await axe_violations(page) == [], page.url
