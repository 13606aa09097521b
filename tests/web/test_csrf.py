"""CSRF: every state-changing route refuses a request without the session's token."""

from __future__ import annotations

import re

from starlette.routing import Route

from mailserver import PASSWORD, PATIENT
from webmail.pages import auth_pages, mail_pages, other_pages

from .harness import Web, sign_in

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


async def unsafe_routes(web: Web) -> list[tuple[str, str]]:
    """Every state-changing operation of the published OpenAPI schema (pages are GETs only)."""
    async with web.client() as client:
        schema = (await client.get("/api/openapi.json")).json()
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, operations in schema["paths"].items()
        for method in operations
        if method.upper() in UNSAFE
    ]


async def test_every_state_changing_route_needs_the_token(web: Web) -> None:
    routes = await unsafe_routes(web)
    assert len(routes) >= 20, "the enumeration found the API's routes"
    patient = await sign_in(web, PATIENT)
    for method, path in routes:
        without = await patient.client.request(method, path, json={})
        assert without.status_code == 403, (method, path, without.status_code)
        forged = await patient.client.request(method, path, json={}, headers={"x-csrf-token": "x"})
        assert forged.status_code == 403, (method, path, forged.status_code)


async def test_a_foreign_origin_is_refused_even_with_the_token(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    refused = await patient.client.post(
        f"/api/mailboxes/{inbox}/flags",
        json={"uids": [1], "seen": True},
        headers={**patient.headers, "origin": "https://evil.example"},
    )
    assert refused.status_code == 403
    allowed = await patient.client.post(
        f"/api/mailboxes/{inbox}/flags",
        json={"uids": [1], "seen": True},
        headers={**patient.headers, "origin": web.url},
    )
    assert allowed.status_code == 200


async def test_sign_in_needs_the_pre_login_token(web: Web) -> None:
    client = web.client()
    bare = await client.post("/api/session", json={"address": PATIENT, "password": PASSWORD})
    assert bare.status_code == 403
    await client.get("/login")
    guessed = await client.post(
        "/api/session",
        json={"address": PATIENT, "password": PASSWORD},
        headers={"x-csrf-token": "guess"},
    )
    assert guessed.status_code == 403


def test_pages_only_read() -> None:
    """Pages are GETs that change nothing; every change is an API call with its token."""
    for router in (auth_pages.router, mail_pages.router, other_pages.router):
        for route in router.routes:
            assert isinstance(route, Route)
            assert route.methods is not None and route.methods <= {"GET", "HEAD"}, route.path
