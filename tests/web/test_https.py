"""``mss serve``'s webmail over HTTPS (issue 13, item 7): the configured certificate on the web
port, plain HTTP only redirecting to it, the session cookie Secure and host-bound, HSTS on every
answer. Real uvicorn listeners, a real TLS client that trusts only the development CA."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest

from mailserver import DOCTOR, PASSWORD, ensure_pki
from mss.config import ListenSettings
from mss.runtime import Runtime
from mss.store.records import AccountKind
from mss.tls import tls_files
from webmail.service import WebService
from webmail.settings import WebSettings

from .harness import attempt_sign_in


@pytest.fixture
async def secure_web(runtime: Runtime) -> AsyncIterator[WebService]:
    ensure_pki(runtime)
    await runtime.store.add_domain(DOCTOR.split("@", 1)[1])
    await runtime.accounts.create_account(DOCTOR, AccountKind.PROFESSIONAL, PASSWORD)
    settings = replace(
        WebSettings.from_settings(runtime.settings), port=0, tls=True, redirect_port=0
    )
    service = WebService(runtime, settings)
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


def test_https_is_the_default_of_mss_serve() -> None:
    assert ListenSettings().web_tls is True


async def test_plain_http_only_redirects_to_the_configured_https_origin(
    runtime: Runtime, secure_web: WebService
) -> None:
    host = runtime.settings.hostname
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{secure_web.redirect_port}", follow_redirects=False
    ) as plain:
        page = await plain.get("/login?next=/mail", headers={"host": "evil.example"})
        assert page.status_code == 308
        assert page.headers["location"] == f"https://{host}:{secure_web.port}/login?next=/mail"
        posted = await plain.post("/api/session", json={"address": DOCTOR, "password": "x"})
        assert posted.status_code == 308 and "set-cookie" not in posted.headers
        assert "strict-transport-security" not in posted.headers  # RFC 6797 §7.2


async def test_sign_in_over_https_sets_a_secure_host_cookie_and_hsts(
    runtime: Runtime, secure_web: WebService
) -> None:
    context = ssl.create_default_context(cafile=str(tls_files(runtime.settings).ca))
    async with httpx.AsyncClient(
        base_url=f"https://localhost:{secure_web.port}", verify=context, follow_redirects=False
    ) as client:
        answer = await attempt_sign_in(client, DOCTOR, PASSWORD)
        assert answer.status_code == 200, answer.text
        cookie = next(
            value
            for value in answer.headers.get_list("set-cookie")
            if value.startswith("__Host-mss_session=")
        )
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert answer.headers["strict-transport-security"].startswith("max-age=")
        page = await client.get("/settings")
        assert page.status_code == 200
        assert page.headers["strict-transport-security"].startswith("max-age=")
