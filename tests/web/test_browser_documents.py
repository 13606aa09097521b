""" "Mes documents" in Chromium (issue 11, item 5): a document an establishment filed shows its
LOINC label, author, date of the act and source; "Afficher" opens it in the webmail's PDF.js
viewer (the attachment viewer's scripts), which draws its first page with no request leaving
the origin. SQLite only: the routes are covered on both backends by the httpx tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from pdfs import plain_pdf
from playwright.async_api import Browser, expect

from mailserver import DOCTOR, PATIENT
from mss.vault.model import DocumentMeta, DocumentSource

from .browser import needs_chromium, new_page, screenshot
from .harness import Web
from .test_browser_comfort import no_sideways_scroll, sign_in

pytestmark = [needs_chromium, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def echography_meta() -> DocumentMeta:
    return DocumentMeta(
        title="Échographie abdominale",
        doc_type="imaging",
        filename="echographie.pdf",
        content_type="application/pdf",
        document_date=int(datetime(2026, 11, 28, 10, tzinfo=UTC).timestamp()),
        source=DocumentSource("xdm", DOCTOR, "Votre échographie", "<echo@hopital.example>"),
        type_code="18748-4",
        type_label="Compte rendu d'imagerie médicale",
        author="Dr Jeanne Martin",
    )


async def test_a_pdf_document_previews_from_the_origin_only(web: Web, browser: Browser) -> None:
    await web.runtime.vault.file(
        web.accounts[PATIENT], echography_meta(), plain_pdf(2, "Echographie abdominale")
    )
    context, page = await new_page(browser, 1280, 900)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(web.url) else None)
    await sign_in(page, web)
    await page.goto(f"{web.url}/documents")
    row = page.locator("ul.documents li")
    await expect(row).to_contain_text("Compte rendu d'imagerie médicale · Dr Jeanne Martin")
    await expect(row).to_contain_text("acte du 28/11/2026")
    await expect(row).to_contain_text("Document transmis par un établissement (XDM)")
    await page.get_by_label("Afficher le type").select_option("lab")
    await page.get_by_role("button", name="Filtrer").click()
    await expect(page.locator("ul.documents li")).to_have_count(0)
    await page.get_by_label("Afficher le type").select_option("imaging")
    await page.get_by_role("button", name="Filtrer").click()

    await page.get_by_role("link", name="Afficher Échographie abdominale").click()
    await page.wait_for_url(re.compile(r"/documents/\d+$"))
    first = page.locator('.pdf-page[data-page="1"]')
    await expect(first).to_have_attribute("data-rendered", "true")
    await expect(first.get_by_role("img", name="Page 1 sur 2")).to_be_visible()
    drawn = await first.locator("canvas").evaluate(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " for (let i = 0; i < d.length; i += 4) if (d[i] < 128) return true; return false; }"
    )
    assert drawn, "the first page has dark pixels: its text was drawn"
    await no_sideways_scroll(page)
    await screenshot(page, "document-preview-1280")
    await context.close()
    assert outside == [], outside
