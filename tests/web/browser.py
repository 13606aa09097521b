"""Playwright for Python driving Debian's Chromium, headless, from plain fixtures (no
pytest-playwright: its deprecation warning would fail a warnings-as-errors suite), and a small
HTTP server on loopback that records every request a page makes to it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (apt-get install chromium)",
)


@contextlib.asynccontextmanager
async def launch() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


async def new_page(
    browser: Browser, width: int = 390, height: int = 844
) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    context.set_default_timeout(15_000)
    return context, await context.new_page()


async def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"webmail-{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


@dataclass
class Tripwire:
    """An HTTP server that answers everything with a tiny GIF and remembers each path asked."""

    hits: list[str] = field(default_factory=list)
    server: asyncio.Server | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5)
            parts = request.decode("latin-1").split()
            if len(parts) >= 2:
                self.hits.append(parts[1])
            gif = bytes.fromhex(
                "47494638396101000100800000ffffff00000021f90401000000002c"
                "00000000010001000002024401003b"
            )
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nConnection: close\r\n"
                + f"Content-Length: {len(gif)}\r\n\r\n".encode()
                + gif
            )
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
needs_axe = pytest.mark.skipif(
    not AXE.exists(), reason="axe-core is not installed: run `npm ci` in tests/web"
)


async def axe_violations(page: Page) -> list[str]:
    """axe-core's violations on the page, one line each (rule, impact, first target).

    The script is evaluated through the DevTools protocol, which the page's CSP does not govern,
    so the page is tested under its real policy. The message frame (the sender's HTML, opaque
    origin) is left out: its content is not ours to fix."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    found = await page.evaluate(
        "async () => (await axe.run(document, {iframes: false})).violations.map("
        "v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"
    )
    return [str(line) for line in found]
