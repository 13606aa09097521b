"""Reading and answering mail through the JSON API, as the pages' script does."""

from __future__ import annotations

import email
import email.policy
import html

from mailserver import DOCTOR, NURSE, PATIENT, message, read_mailbox

from .harness import Web, professional_writes, sign_in, with_attachment


async def test_list_is_paged_and_sorted_and_counts_unread(web: Web) -> None:
    for number in range(7):
        # Sizes far apart: the clear size a size sort uses is perturbed by up to 64 KiB.
        raw = message(DOCTOR, PATIENT, f"Rappel {number}", "x" * (number * 70_000))
        await professional_writes(web, PATIENT, raw)
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    first = (await patient.get(f"/api/mailboxes/{inbox}/messages?per_page=3")).json()
    assert (first["total"], first["pages"]) == (7, 3)
    assert [m["subject"] for m in first["messages"]] == ["Rappel 6", "Rappel 5", "Rappel 4"]
    last = (await patient.get(f"/api/mailboxes/{inbox}/messages?per_page=3&page=3")).json()
    assert [m["subject"] for m in last["messages"]] == ["Rappel 0"]
    by_size = await patient.get(f"/api/mailboxes/{inbox}/messages?sort=size&order=asc")
    assert by_size.json()["messages"][0]["subject"] == "Rappel 0"
    folders = {f["role"]: f for f in (await patient.get("/api/mailboxes")).json()}
    assert (folders["inbox"]["total"], folders["inbox"]["unseen"]) == (7, 7)

    uid = first["messages"][0]["uid"]
    seen = await patient.post(f"/api/mailboxes/{inbox}/flags", json={"uids": [uid], "seen": True})
    assert seen.status_code == 200
    unseen = await patient.get(f"/api/mailboxes/{inbox}/messages?unseen=true")
    assert unseen.json()["total"] == 6


async def test_search_reads_headers_and_bodies(web: Web) -> None:
    await professional_writes(
        web, PATIENT, message(DOCTOR, PATIENT, "Vaccin", "Grippe saisonnière")
    )
    await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "Bilan", "Cholestérol normal"))
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    found = (await patient.get(f"/api/mailboxes/{inbox}/messages", params={"q": "grippe"})).json()
    assert [m["subject"] for m in found["messages"]] == ["Vaccin"]
    assert found["complete"] is True
    by_sender = (await patient.get(f"/api/mailboxes/{inbox}/messages?q=jeanne.martin")).json()
    assert by_sender["total"] == 2


async def test_open_download_save_and_reply(web: Web) -> None:
    pdf = b"%PDF-1.4\nresultats\n%%EOF\n"
    raw = with_attachment(PATIENT, "Résultats", "Voici vos résultats.", "ordonnance.pdf", pdf)
    await professional_writes(web, PATIENT, raw)
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    [item] = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    assert item["has_attachments"] and not item["seen"]
    opened = (await patient.get(f"/api/mailboxes/{inbox}/messages/{item['uid']}")).json()
    assert opened["text"].startswith("Voici vos résultats.")
    [attachment] = opened["attachments"]
    assert attachment["filename"] == "ordonnance.pdf"
    base = f"/api/mailboxes/{inbox}/messages/{item['uid']}/attachments/{attachment['path']}"
    download = await patient.get(base)
    assert download.content == pdf
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"] == "attachment; filename*=UTF-8''ordonnance.pdf"

    saved = (await patient.post(f"{base}/vault")).json()
    assert (saved["title"], saved["doc_type"]) == ("ordonnance", "prescription")
    assert saved["source"] == {"kind": "message", "sender": DOCTOR, "subject": "Résultats"}
    content = await patient.get(f"/api/vault/documents/{saved['id']}/content")
    assert content.content == pdf

    sent = await patient.post(
        "/api/messages",
        json={
            "to": [DOCTOR],
            "subject": "Re: Résultats",
            "body": "Merci, avec le document.",
            "reply_to": {"mailbox_id": inbox, "uid": item["uid"]},
            "vault_ids": [saved["id"]],
        },
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["delivered"] == [DOCTOR]
    [received] = await read_mailbox(web.runtime, DOCTOR)
    reply = email.message_from_bytes(received, policy=email.policy.default)
    assert reply["In-Reply-To"] == f"<{abs(hash('Résultats'))}@hopital.example>"
    [attached] = list(reply.iter_attachments())
    assert attached.get_filename() == "ordonnance.pdf" and attached.get_content() == pdf
    flags = (await patient.get(f"/api/mailboxes/{inbox}/messages/{item['uid']}")).json()["flags"]
    assert "\\Answered" in flags
    sent_folder = await patient.folder_id("sent")
    assert (await patient.get(f"/api/mailboxes/{sent_folder}/messages")).json()["total"] == 1


async def test_patient_cannot_open_a_conversation(web: Web) -> None:
    await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "Rendez-vous"))
    patient = await sign_in(web, PATIENT)
    refused = await patient.post(
        "/api/messages", json={"to": [NURSE], "subject": "Bonjour", "body": "Question"}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith(f"Vous ne pouvez pas écrire à {NURSE}")
    assert "seulement répondre" in refused.json()["detail"]
    assert await read_mailbox(web.runtime, NURSE) == []
    bad = await patient.post("/api/messages", json={"to": ["pas une adresse"], "body": "x"})
    assert bad.status_code == 422


async def test_drafts_are_saved_edited_and_sent(web: Web) -> None:
    await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "Question"))
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    [item] = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    reply_to = {"mailbox_id": inbox, "uid": item["uid"]}
    form = {"to": [DOCTOR], "subject": "Re: Question", "body": "Premier jet", "reply_to": reply_to}
    first = (await patient.post("/api/drafts", json=form)).json()
    edit = await patient.get(f"/mail/{first['mailbox_id']}/{first['uid']}/edit")
    assert "Premier jet" in edit.text
    second = (
        await patient.post("/api/drafts", json={**form, "body": "Second jet", "draft": first})
    ).json()
    drafts = (await patient.get(f"/api/mailboxes/{second['mailbox_id']}/messages")).json()
    assert [m["uid"] for m in drafts["messages"]] == [second["uid"]]
    assert drafts["messages"][0]["draft"]
    sent = await patient.post(
        "/api/messages", json={**form, "body": "Version finale", "draft": second}
    )
    assert sent.status_code == 200
    drafts = (await patient.get(f"/api/mailboxes/{second['mailbox_id']}/messages")).json()
    assert drafts["total"] == 0
    [received] = await read_mailbox(web.runtime, DOCTOR)
    assert b"Version finale" in received and b"In-Reply-To: <Question@test>" in received


async def test_trash_then_delete_for_good(web: Web) -> None:
    await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "Ancien"))
    patient = await sign_in(web, PATIENT)
    inbox, trash = await patient.folder_id(), await patient.folder_id("trash")
    [item] = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    moved = await patient.post(f"/api/mailboxes/{inbox}/trash", json={"uids": [item["uid"]]})
    assert moved.json() == {"deleted": False}
    assert (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["total"] == 0
    [trashed] = (await patient.get(f"/api/mailboxes/{trash}/messages")).json()["messages"]
    gone = await patient.post(f"/api/mailboxes/{trash}/trash", json={"uids": [trashed["uid"]]})
    assert gone.json() == {"deleted": True}
    assert (await patient.get(f"/api/mailboxes/{trash}/messages")).json()["total"] == 0


async def test_a_closed_conversation_is_shown_and_refuses_the_reply(web: Web) -> None:
    await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "Résultats"))
    await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "[FIN]"))
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    listed = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    closing = next(item for item in listed if item["subject"] == "[FIN]")
    page = await patient.get(f"/mail/{inbox}/{closing['uid']}")
    assert "a clos la conversation" in page.text
    assert f"/mail/{inbox}/{closing['uid']}/reply" not in page.text, "no reply is offered"

    refused = await patient.post(
        "/api/messages",
        json={"to": [DOCTOR], "subject": "Re: [FIN]", "body": "Encore une question"},
    )
    assert refused.status_code == 422
    assert refused.json()["refusal"] == "conversation_closed"
    assert "a clos la conversation" in refused.json()["detail"]
    assert await read_mailbox(web.runtime, DOCTOR) == []

    await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "Nouveau rendez-vous"))
    reopened = await patient.post(
        "/api/messages", json={"to": [DOCTOR], "subject": "Re: rendez-vous", "body": "Merci"}
    )
    assert reopened.status_code == 200, reopened.text


async def test_the_sent_copy_shows_what_became_of_each_recipient(web: Web) -> None:
    await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "Suivi"))
    patient = await sign_in(web, PATIENT)
    sent = await patient.post(
        "/api/messages", json={"to": [DOCTOR], "subject": "Re: Suivi", "body": "Merci docteur"}
    )
    assert sent.status_code == 200, sent.text
    folder = await patient.folder_id("sent")
    (copy,) = (await patient.get(f"/api/mailboxes/{folder}/messages")).json()["messages"]
    page = html.unescape((await patient.get(f"/mail/{folder}/{copy['uid']}")).text)
    assert "Suivi de l'envoi" in page
    assert DOCTOR in page and "distribué le" in page
    inbox = await patient.folder_id()
    (received,) = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    assert "Suivi de l'envoi" not in (await patient.get(f"/mail/{inbox}/{received['uid']}")).text
