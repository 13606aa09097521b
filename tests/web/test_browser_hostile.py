"""A hostile HTML message, opened in a real browser, runs no script and loads nothing remote;
remote images load only after the patient allows them, and nothing else does even then."""

from __future__ import annotations

import asyncio
import re

from playwright.async_api import Browser, Dialog, expect

from mailserver import PASSWORD, PATIENT
from mss.delivery import deliver

from .browser import Tripwire, needs_chromium, new_page
from .harness import Web

pytestmark = needs_chromium


def hostile_html(base: str) -> str:
    return f"""<html><head>
<meta http-equiv="refresh" content="0; url={base}/refresh">
<link rel="stylesheet" href="{base}/link.css">
<style>@import url("{base}/import.css"); body {{ background: url("{base}/style-bg") }}</style>
<base href="{base}/base/">
</head><body onload="window.top.pwned = 'onload'">
<h1>Résultats</h1>
<script>window.top.pwned = 'script'; new Image().src = "{base}/script";</script>
<img src="x" onerror="window.top.pwned = 'onerror'; fetch('{base}/onerror')">
<img src="{base}/remote.png" alt="tracker">
<div style="background-image: url('{base}/inline-bg'); position: fixed; top: 0">Texte</div>
<a id="js" href="javascript:window.top.pwned = 'link'">cliquez ici</a>
<a id="data" href="data:text/html,<script>alert(1)</script>">data</a>
<form action="{base}/form" method="post"><input name="password"><button>Valider</button></form>
<iframe src="{base}/iframe"></iframe>
<object data="{base}/object"></object>
<svg onload="window.top.pwned = 'svg'"><image href="{base}/svg-image"/></svg>
<video poster="{base}/poster"><source src="{base}/video"></video>
<table background="{base}/table-bg"><tr><td>cellule</td></tr></table>
<p>Fin du message</p>
</body></html>"""


def hostile_message(base: str) -> bytes:
    return (
        "From: Dr Jeanne Martin <jeanne.martin@hopital.example>\r\n"
        f"To: <{PATIENT}>\r\nSubject: Message piégé\r\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0100\r\nMessage-ID: <hostile@hopital.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        f"{hostile_html(base)}\r\n"
    ).encode()


async def test_hostile_html_runs_nothing_and_loads_nothing(
    web: Web, browser: Browser, tripwire: Tripwire
) -> None:
    appended = await deliver(
        web.runtime.store, web.accounts[PATIENT], "INBOX", hostile_message(tripwire.base)
    )
    context, page = await new_page(browser, 1280, 900)
    dialogs: list[str] = []

    async def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", dismiss)
    await page.goto(f"{web.url}/login?next=/mail/{appended.mailbox_id}/{appended.uid}")
    await page.get_by_label("Adresse de messagerie").fill(PATIENT)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(re.compile(rf"/mail/\d+/{appended.uid}$"))

    frame_element = page.locator("iframe.html-body")
    await expect(frame_element).to_have_attribute(
        "sandbox", "allow-scripts allow-popups allow-popups-to-escape-sandbox"
    )
    frame = page.frame_locator("iframe.html-body")
    await expect(frame.get_by_text("Fin du message")).to_be_visible()
    await expect(page.get_by_text("1 image distante bloquée")).to_be_visible()
    await frame.get_by_text("cliquez ici").click()
    await asyncio.sleep(0.5)

    assert await page.evaluate("window.pwned") is None, "no script ran in the page"
    content = page.frames[1]
    dangerous = "script, form, iframe, object, svg, video, style, link, meta, base, [style*=url]"
    assert await content.evaluate(f"document.body.querySelectorAll('{dangerous}').length") == 0
    assert await content.evaluate("window.pwned") is None, "no script of the message ran"
    assert await content.evaluate("document.scripts.length") == 1, "only the sizing script"
    links = await content.evaluate("[...document.links].map(a => a.getAttribute('href'))")
    assert links == [], "javascript: and data: links lost their target"
    assert await content.evaluate("[...document.images].every(i => !i.src.startsWith('http'))")
    assert dialogs == []
    assert tripwire.hits == [], "nothing remote was requested"

    await page.get_by_role("link", name="Afficher les images").click()
    await expect(
        page.frame_locator("iframe.html-body").get_by_text("Fin du message")
    ).to_be_visible()
    for _ in range(50):
        if tripwire.hits:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)
    assert tripwire.hits == ["/remote.png"], "allowed images load, and nothing else"
    assert await page.evaluate("window.pwned") is None
    await context.close()
