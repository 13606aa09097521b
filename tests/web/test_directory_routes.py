"""The directory's views served by the web application, behind the webmail session."""

from __future__ import annotations

import httpx

from mailserver import DOCTOR, PATIENT

from .harness import Web, sign_in


async def test_directory_views_need_a_session_and_find_local_professionals(web: Web) -> None:
    async with httpx.AsyncClient(base_url=web.url) as anonymous:
        assert (
            await anonymous.get("/api/directory/search", params={"q": "martin"})
        ).status_code == 401
        assert (await anonymous.get("/fhir/Practitioner")).status_code == 401

    patient = await sign_in(web, PATIENT)
    found = await patient.get("/api/directory/search", params={"q": "jeanne"})
    assert found.status_code == 200
    assert DOCTOR in found.text, "local accounts are published with their keys"
    entry = await patient.get(f"/api/directory/{DOCTOR}")
    assert entry.status_code == 200
    assert "keys" in entry.text or "encryption" in entry.text
    hidden = await patient.get(f"/api/directory/{PATIENT}")
    assert hidden.status_code == 404, "patients are never listed"
