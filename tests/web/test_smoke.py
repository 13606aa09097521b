"""Sign-in and the first pages, over real HTTP."""

from __future__ import annotations

from mailserver import PATIENT

from .harness import Web, sign_in


async def test_sign_in_and_list_the_inbox(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    folders = (await patient.get("/api/mailboxes")).json()
    assert [f["role"] for f in folders][:3] == ["inbox", "drafts", "sent"]
    inbox = await patient.folder_id()
    listing = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()
    assert listing["total"] == 0
    page = await patient.get(f"/mail/{inbox}")
    assert page.status_code == 200
    assert "Boîte de réception" in page.text
