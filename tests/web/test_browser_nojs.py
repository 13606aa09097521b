"""Chromium with JavaScript off signs in through the plain form: the password travels in the
POST body, never in a URL the browser shows, keeps in its history or sends to a log."""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus

from playwright.async_api import Browser, Request

from mailserver import PASSWORD, PATIENT

from .browser import needs_chromium
from .harness import Web

pytestmark = needs_chromium


async def test_sign_in_without_javascript_posts_the_password(web: Web, browser: Browser) -> None:
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    urls: list[str] = []
    bodies: list[str] = []

    def seen(request: Request) -> None:
        urls.append(request.url)
        bodies.append(request.post_data or "")

    page.on("request", seen)
    await page.goto(f"{web.url}/login")
    await page.fill("#address", PATIENT)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(re.compile(r"/mail(/\d+)?$"))
    assert not any(quote_plus(PASSWORD) in url or quote(PASSWORD) in url for url in urls)
    assert any("password=" in body for body in bodies), "the password went in a POST body"
    await context.close()
