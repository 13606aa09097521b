"""The message frame's policy in Chromium, without the sanitiser in front: of the scripts in
a frame document only our sizing script runs, and it reports the height to the parent page."""

from __future__ import annotations

from playwright.async_api import Browser, Route

from webmail.mail.frame import FRAME_SANDBOX, frame_document, frame_policy

from .browser import needs_chromium, new_page

pytestmark = needs_chromium

SMUGGLED = (
    "<p>Bonjour</p><script>window.pwned = 1; parent.pwned = 1;</script>" + "<p>ligne</p>" * 60
)
OUTER = (
    "<!doctype html><html lang='fr'><title>t</title>"
    "<script>addEventListener('message', (e) => { window.reported = e.data; });</script>"
    f"<iframe src='/frame' sandbox='{FRAME_SANDBOX}' title='f'></iframe></html>"
)


async def test_only_the_sizing_script_runs(browser: Browser) -> None:
    context, page = await new_page(browser, 360, 740)

    async def serve(route: Route) -> None:
        if route.request.url.endswith("/frame"):
            await route.fulfill(
                body=frame_document(SMUGGLED, "fr"),
                content_type="text/html; charset=utf-8",
                headers={"content-security-policy": frame_policy(False)},
            )
        else:
            await route.fulfill(body=OUTER, content_type="text/html; charset=utf-8")

    await page.route("http://frame.test/**", serve)
    await page.goto("http://frame.test/outer")
    await page.wait_for_function("window.reported !== undefined")
    reported = await page.evaluate("window.reported")
    assert reported["mssFrameHeight"] > 60 * 20, reported
    frame = page.frames[1]
    assert await frame.evaluate("window.pwned") is None, "the smuggled script ran"
    assert await page.evaluate("window.pwned") is None
    await context.close()
