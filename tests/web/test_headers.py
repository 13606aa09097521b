"""Every response carries its security headers; the message frame has its own, stricter policy;
the API publishes its OpenAPI schema."""

from __future__ import annotations

import re

from mailserver import DOCTOR, PATIENT, message
from webmail.mail.frame import SIZE_SCRIPT_HASH

from .harness import Web, professional_writes, sign_in

HTML = (
    b"From: <jeanne.martin@hopital.example>\r\nSubject: html\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Bonjour <b>vous</b></p>\r\n"
)


async def test_every_kind_of_response_has_the_headers(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    for path in (
        "/login",
        "/mail",
        "/settings",
        "/api/mailboxes",
        "/static/app.js",
        "/nowhere",
        "/api/openapi.json",
    ):
        answer = await patient.get(path)
        headers = answer.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer", path
        assert headers["x-frame-options"] == "DENY", path
        assert "server" not in headers, path
    assert (await patient.get("/nowhere")).status_code == 404


async def test_the_message_frame_is_sandboxed_by_its_own_policy(web: Web) -> None:
    await professional_writes(
        web, PATIENT, HTML.replace(b"From: <", f"To: <{PATIENT}>\r\nFrom: <".encode())
    )
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    [item] = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    page = await patient.get(f"/mail/{inbox}/{item['uid']}")
    assert 'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"' in page.text
    frame = await patient.get(f"/mail/{inbox}/{item['uid']}/frame")
    policy = frame.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "img-src data:;" in policy
    assert "sandbox allow-scripts allow-popups" in policy and "frame-ancestors 'self'" in policy
    assert "allow-same-origin" not in policy, "our sizing script stays out of the page's origin"
    scripts = re.findall(r"script-src ([^;]+)", policy)
    assert scripts == [f"'sha256-{SIZE_SCRIPT_HASH}'"], "only the sizing script may run"
    assert frame.headers["x-frame-options"] == "SAMEORIGIN"
    assert "<b>vous</b>" in frame.text
    allowed = await patient.get(f"/mail/{inbox}/{item['uid']}/frame?images=1")
    assert "img-src data: https: http:" in allowed.headers["content-security-policy"]


async def test_openapi_schema_describes_the_api(web: Web) -> None:
    client = web.client()
    schema = (await client.get("/api/openapi.json")).json()
    paths = schema["paths"]
    assert "/api/mailboxes/{mailbox_id}/messages" in paths
    assert "/api/vault/documents" in paths and "/api/session" in paths
    assert "/fhir/Practitioner" in paths, "the directory's FHIR view is part of the API"
    assert all(path.startswith(("/api/", "/fhir/")) for path in paths), (
        "pages are not part of the API"
    )
    assert (await client.get("/api/docs")).status_code == 404, "no page loading remote scripts"


async def test_english_on_request(web: Web) -> None:
    await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "Hello"))
    patient = await sign_in(web, PATIENT)
    switched = await patient.get("/lang/en?next=/mail")
    assert switched.headers["location"] == "/mail"
    assert (await patient.get("/lang/en?next=https://evil.example")).headers["location"] == "/login"
    inbox = await patient.folder_id()
    page = await patient.get(f"/mail/{inbox}")
    assert '<html lang="en">' in page.text and "Inbox" in page.text
