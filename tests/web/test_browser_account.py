"""Issue 16, items 7-9 and 11 in Chromium (SQLite only): TOTP enrolment then sign-in in the same
window, with recovery codes shown once; the reply recipient chosen, never typed; the app
password's copy button; French validation messages. axe-core on the new states of the pages."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.async_api import Browser, Page, expect

from mailserver import DOCTOR, PASSWORD, PATIENT, message

from .browser import AXE, axe_violations, needs_chromium, new_page, screenshot
from .harness import Web, professional_writes
from .test_account_setup import configured_ports

pytestmark = [needs_chromium, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


async def sign_in(page: Page, web: Web) -> None:
    await page.goto(f"{web.url}/login")
    await page.get_by_label("Adresse de messagerie").fill(PATIENT)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()


async def no_axe_violation(page: Page, name: str) -> None:
    await screenshot(page, name)
    if not AXE.exists():  # axe-core not installed (npm ci): the screenshot is still kept
        return
    assert await axe_violations(page) == [], page.url


async def test_totp_enrolment_then_sign_in_in_the_same_window(web: Web, browser: Browser) -> None:
    context, page = await new_page(browser, 1280, 900)
    await sign_in(page, web)
    await page.wait_for_url(re.compile(r"/mail/\d+$"))
    await page.goto(f"{web.url}/settings")
    start = page.get_by_role("button", name="Activer la validation en deux étapes")
    await start.click()
    await expect(page.locator("#totp-qr")).to_be_visible()
    await expect(start).to_be_hidden()
    secret = (await page.locator("#totp-secret-text").text_content() or "").strip()
    code = pyotp.TOTP(secret).now()
    await page.get_by_label("Code à 6 chiffres").fill(code)
    await page.locator("#totp-on-password").fill(PASSWORD)
    await page.get_by_role("button", name="Confirmer et activer").click()
    codes = page.locator("#totp-confirm output")
    await expect(codes).to_have_text(re.compile(r"^([a-z2-9]{5}-[a-z2-9]{5}\s*){10}$"))
    await expect(page.locator("#totp-qr")).to_be_hidden()
    await no_axe_violation(page, "totp-recovery-codes-1280")
    await page.get_by_role("link", name="J'ai noté mes codes").click()
    await expect(page.get_by_text("Il vous reste 10 codes de secours.")).to_be_visible()
    await expect(page.locator("output.codes")).to_be_empty()  # shown once, never again

    await page.get_by_role("button", name="Se déconnecter").click()
    await page.wait_for_url(re.compile(r"/login"))
    await sign_in(page, web)
    await page.wait_for_url(re.compile(r"/login/totp$"))
    await page.get_by_text("Vous n'avez pas votre téléphone ?").click()
    await no_axe_violation(page, "totp-prompt-1280")
    await page.get_by_label("Code à 6 chiffres").fill(code)  # the enrolment's own code
    await page.get_by_role("button", name="Valider", exact=True).click()
    await page.wait_for_url(re.compile(r"/mail/\d+$"))
    await context.close()


async def test_the_reply_recipient_is_chosen_not_typed(web: Web, browser: Browser) -> None:
    await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "Bilan sanguin"))
    context, page = await new_page(browser, 360, 800)
    await sign_in(page, web)
    await page.wait_for_url(re.compile(r"/mail/\d+$"))
    await page.goto(f"{web.url}/professionals")
    await expect(page.get_by_role("heading", name="Mes professionnels")).to_be_visible()
    await no_axe_violation(page, "professionals-360")
    await page.get_by_role("link", name=re.compile("Répondre à la dernière conversation")).click()
    await page.wait_for_url(re.compile(r"/reply$"))
    recipient = page.get_by_label("À", exact=True)
    assert await recipient.evaluate("(e) => e.tagName") == "SELECT"
    await expect(recipient).to_have_value(DOCTOR)
    assert await recipient.evaluate("(e) => [...e.options].map((o) => o.value)") == ["", DOCTOR]
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await no_axe_violation(page, "reply-professional-360")
    await page.get_by_label("Message", exact=True).fill("Merci docteur.")
    await page.get_by_role("button", name="Envoyer").click()
    await page.locator("#toast").filter(has_text="Message envoyé").wait_for()
    await context.close()


async def test_app_password_copy_and_french_validation(web: Web, browser: Browser) -> None:
    context, page = await new_page(browser, 1280, 900)
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web.url)
    port = str(configured_ports(web).imaps_port)
    await sign_in(page, web)
    await page.wait_for_url(re.compile(r"/mail/\d+$"))
    await page.goto(f"{web.url}/settings")
    copy = page.get_by_role("button", name="Copier le mot de passe")
    await expect(copy).to_be_hidden()
    create = page.get_by_role("button", name="Créer un mot de passe d'application")
    await create.click()  # nothing filled in: the app's own message, in French
    label = page.get_by_label("Nom de l'appareil ou du logiciel")
    assert await label.evaluate("(e) => e.validationMessage") == "Veuillez remplir ce champ."
    await label.fill("Thunderbird")
    await page.locator("#app-password-check").fill(PASSWORD)
    await create.click()
    output = page.locator("#app-password-output")
    await expect(output).not_to_be_empty()
    await copy.click()
    await expect(page.locator('button[data-copy="app-password-output"]')).to_have_text("Copié")
    clipboard = await page.evaluate("navigator.clipboard.readText()")
    assert clipboard == (await output.text_content() or "").strip()
    await expect(page.get_by_role("cell", name=port, exact=True)).to_be_visible()
    sessions = await page.locator("#sessions-title + ul").inner_text()
    assert "·" not in sessions and "Chrome sur Linux" in sessions
    await no_axe_violation(page, "settings-app-password-1280")

    await page.goto(f"{web.url}/documents")
    await page.get_by_role("button", name="Ajouter le document").click()
    file_input = page.locator("#file")
    message_shown = await file_input.evaluate("(e) => e.validationMessage")
    assert message_shown == "Veuillez choisir un fichier."
    await expect(page.get_by_text("Aucun fichier choisi")).to_be_visible()
    await file_input.set_input_files({"name": "ordonnance.pdf", "mimeType": "application/pdf",
                                      "buffer": b"%PDF-1.4\n%%EOF\n"})  # fmt: skip
    await expect(page.get_by_text("ordonnance.pdf")).to_be_visible()
    await context.close()
