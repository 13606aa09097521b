"""The webmail reads through the core's read path (mss/reading): once a folder has been listed,
a new session lists, groups, searches and opens its messages from the encrypted mailbox index,
without opening one sealed per-message key (issue 15, item 2)."""

from __future__ import annotations

from sqlalchemy import update

from mailserver import DOCTOR, PATIENT, message
from mss.store.schema import messages

from .harness import Web, professional_writes, sign_in, with_attachment


async def test_a_listed_folder_is_read_from_its_index_alone(web: Web) -> None:
    pdf = b"%PDF-1.4\nresultats\n%%EOF\n"
    await professional_writes(
        web, PATIENT, message(DOCTOR, PATIENT, "Vaccin", "Grippe saisonniere")
    )
    await professional_writes(
        web, PATIENT, with_attachment(PATIENT, "Resultats", "Voici.", "bilan.pdf", pdf)
    )
    first = await sign_in(web, PATIENT)
    inbox = await first.folder_id()
    listed = (await first.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    assert [m["subject"] for m in listed] == ["Resultats", "Vaccin"]

    # Garbage in every sealed key: a message opened from its row now fails to open.
    async with web.runtime.database.writer.begin() as conn:
        await conn.execute(
            update(messages).where(messages.c.mailbox_id == inbox).values(sealed_key=b"\x00" * 80)
        )
    # Delivered after: its own sealed key is intact, it is opened from its row and added.
    await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "Suivi", "Tension normale"))

    # A new session: its row cache is empty, so every row comes from the index (or the new row).
    second = await sign_in(web, PATIENT)
    again = (await second.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    assert [m["subject"] for m in again] == ["Suivi", "Resultats", "Vaccin"]
    page = await second.get(f"/mail/{inbox}")
    assert page.status_code == 200 and "Resultats" in page.text and "Vaccin" in page.text
    found = (await second.get(f"/api/mailboxes/{inbox}/messages", params={"q": "grippe"})).json()
    assert [m["subject"] for m in found["messages"]] == ["Vaccin"]

    uid = next(m["uid"] for m in again if m["subject"] == "Resultats")
    opened = (await second.get(f"/api/mailboxes/{inbox}/messages/{uid}")).json()
    assert opened["text"].startswith("Voici.")
    [attachment] = opened["attachments"]
    download = await second.get(
        f"/api/mailboxes/{inbox}/messages/{uid}/attachments/{attachment['path']}"
    )
    assert download.content == pdf
    view = await second.get(f"/mail/{inbox}/{uid}")
    assert view.status_code == 200 and "bilan.pdf" in view.text
