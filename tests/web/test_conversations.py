"""Conversations, previews, attachment viewers and the vault's "already saved" state, through
the real webmail over HTTP (issue 16, items 1, 3 and 6)."""

from __future__ import annotations

import base64
import re

from mailserver import DOCTOR, PATIENT
from mss.delivery import deliver
from queue_support import dump_database, encodings_of
from webmail.i18n import Translator

from .harness import PATIENT_B, Web, professional_writes, sign_in, with_attachment

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
ROW = re.compile(r'<li class="(?:unread|read)" data-uid="(\d+)"(?: data-count="(\d+)")?>')


def exchange(count: int, subject: str = "Suivi de votre traitement") -> list[bytes]:
    """``count`` messages, each answering the one before (References lists the whole chain)."""
    mails: list[bytes] = []
    ids: list[str] = []
    for n in range(count):
        refs = ""
        if ids:
            chain = " ".join(f"<{i}>" for i in ids)
            refs = f"References: {chain}\r\nIn-Reply-To: <{ids[-1]}>\r\n"
        mails.append(
            (
                f"From: Dr Jeanne Martin <{DOCTOR}>\r\nTo: <{PATIENT}>\r\n"
                f"Subject: {'RE : ' if n else ''}{subject}\r\n"
                f"Date: Mon, 23 Nov 2026 1{n}:00:00 +0100\r\nMessage-ID: <suivi-{n}@x>\r\n"
                f"{refs}Content-Type: text/plain; charset=utf-8\r\n\r\n"
                f"Message numéro {n} de l'échange.\r\n\r\nLe lundi, Louise a écrit :\r\n"
                "> la question d'avant\r\n"
            ).encode()
        )
        ids.append(f"suivi-{n}@x")
    return mails


async def test_an_exchange_of_eight_is_one_row_with_its_count_and_preview(web: Web) -> None:
    for raw in exchange(8):
        await professional_writes(web, PATIENT, raw)
    await professional_writes(web, PATIENT, with_attachment(PATIENT, "Vaccin", "x", "v.pdf", b"%"))
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    page = (await patient.get(f"/mail/{inbox}")).text
    rows = ROW.findall(page)
    assert len(rows) == 2, rows
    assert rows[1][1] == "8" and rows[0][1] == ""
    assert "8 messages dans cette conversation" in page
    assert "Message numéro 7 de l&#39;échange." in page, "the newest message's preview"
    assert "la question d&#39;avant" not in page, "quotations are not previewed"
    assert ">Suivi de votre traitement<" in page, "the first subject, without its prefix"

    newest = int(rows[1][0])
    opened = (await patient.get(f"/mail/{inbox}/{newest}")).text
    assert "Conversation : 8 messages" in opened
    assert opened.count('aria-current="true"') == 1
    links = set(re.findall(rf'href="/mail/{inbox}/(\d+)"', opened.split('class="thread"')[1]))
    assert len(links) == 7 and str(newest) not in links
    marked = re.search(r'data-seen-uids="([\d ]+)"', opened)
    assert marked is not None and len(marked.group(1).split()) == 8

    # One more reply: the conversation grows (the session's grouping is not reused).
    await professional_writes(web, PATIENT, exchange(9)[8])
    grown = ROW.findall((await patient.get(f"/mail/{inbox}")).text)
    assert len(grown) == 2 and grown[0][1] == "9", grown

    # A search, or a sort by size, lists messages one by one.
    flat = (await patient.get(f"/mail/{inbox}", params={"sort": "size"})).text
    assert len(ROW.findall(flat)) == 10


async def test_a_reply_from_the_patient_shows_in_the_conversation(web: Web) -> None:
    [first] = exchange(1)
    await professional_writes(web, PATIENT, first)
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    [uid] = [int(u) for u, _ in ROW.findall((await patient.get(f"/mail/{inbox}")).text)]
    sent = await patient.post(
        "/api/messages",
        json={
            "to": [DOCTOR],
            "subject": "RE : Suivi de votre traitement",
            "body": "Merci, tout va bien.",
            "reply_to": {"mailbox_id": inbox, "uid": uid},
        },
    )
    assert sent.status_code == 200, sent.text
    opened = (await patient.get(f"/mail/{inbox}/{uid}")).text
    assert "Conversation : 2 messages" in opened
    assert "Merci, tout va bien." in opened, "the patient's reply, from Sent, with its preview"


async def test_the_preview_is_never_stored_in_clear(web: Web, canary: str) -> None:
    raw = (
        f"From: <{DOCTOR}>\r\nTo: <{PATIENT}>\r\nSubject: Analyse\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Votre taux {canary} est normal.\r\n"
    ).encode()
    await professional_writes(web, PATIENT, raw)
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    page = (await patient.get(f"/mail/{inbox}")).text
    assert f"Votre taux {canary} est normal." in page
    [listed] = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    assert listed["preview"] == f"Votre taux {canary} est normal."
    dump = await dump_database(web.runtime)
    assert not [n for n in encodings_of(canary, raw) if n in dump]


def newsletter_with_inline_image_and_pdf(recipient: str, pdf: bytes) -> bytes:
    image = base64.encodebytes(PNG).decode()
    document = base64.encodebytes(pdf).decode()
    return (
        f"From: Centre <{DOCTOR}>\r\nTo: <{recipient}>\r\nSubject: Lettre\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="m"\r\n\r\n'
        '--m\r\nContent-Type: multipart/related; boundary="r"\r\n\r\n'
        '--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Bonjour</p><img src="cid:logo@c"'
        ' alt="logo">\r\n'
        "--r\r\nContent-Type: image/png\r\nContent-ID: <logo@c>\r\n"
        'Content-Disposition: inline; filename="logo.png"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{image}--r--\r\n"
        '--m\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="cr.pdf"'
        f"\r\nContent-Transfer-Encoding: base64\r\n\r\n{document}--m--\r\n"
    ).encode()


async def test_sizes_are_decoded_and_inline_images_are_body_not_attachments(web: Web) -> None:
    pdf = b"%PDF-1.4\n" + b"x" * 390 + b"\n%%EOF"
    await professional_writes(web, PATIENT, newsletter_with_inline_image_and_pdf(PATIENT, pdf))
    inline_only = newsletter_with_inline_image_and_pdf(PATIENT, b"").split(
        b"\r\n--m\r\nContent-Type: application/pdf"
    )[0]
    appended = await deliver(
        web.runtime.store, web.accounts[PATIENT], "INBOX", inline_only + b"\r\n--m--\r\n"
    )
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    listing = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    clips = {m["uid"]: m["has_attachments"] for m in listing}
    assert clips[appended.uid] is False, "inline images put no paperclip on the row"

    uid = next(u for u in clips if u != appended.uid)
    page = (await patient.get(f"/mail/{inbox}/{uid}")).text
    assert "cr.pdf" in page and "logo.png" not in page
    assert len(pdf) == 405 and "(405 o)" in page, "the decoded size"
    encoded = Translator("fr").size(len(base64.encodebytes(pdf)))
    assert f"({encoded})" not in page, "not the base64 one"
    frame = (await patient.get(f"/mail/{inbox}/{uid}/frame")).text
    assert 'src="data:image/png;base64,' in frame, "the cid: image shown in the body"
    api = (await patient.get(f"/api/mailboxes/{inbox}/messages/{uid}")).json()
    assert [(a["filename"], a["size"]) for a in api["attachments"]] == [("cr.pdf", len(pdf))]


async def test_viewer_pages_for_pdf_and_image_and_download_for_the_rest(web: Web) -> None:
    await professional_writes(web, PATIENT, with_attachment(PATIENT, "CR", "x", "cr.pdf", b"%PDF"))
    image = with_attachment(PATIENT, "Photo", "x", "grain.png", PNG).replace(
        b"application/pdf", b"image/png"
    )
    svg = with_attachment(PATIENT, "Dessin", "x", "d.svg", b"<svg onload='x()'/>").replace(
        b"application/pdf", b"image/svg+xml"
    )
    await professional_writes(web, PATIENT, image)
    await professional_writes(web, PATIENT, svg)
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    uids = {
        m["subject"]: m["uid"]
        for m in (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    }
    pdf_page = await patient.get(f"/mail/{inbox}/{uids['CR']}/attachments/2")
    assert pdf_page.status_code == 200
    assert f'data-pdf="/api/mailboxes/{inbox}/messages/{uids["CR"]}/attachments/2"' in pdf_page.text
    assert '<script type="module" src="/static/attachment.js">' in pdf_page.text
    message = (await patient.get(f"/mail/{inbox}/{uids['CR']}")).text
    assert f'href="/mail/{inbox}/{uids["CR"]}/attachments/2"' in message

    shown = await patient.get(
        f"/api/mailboxes/{inbox}/messages/{uids['Photo']}/attachments/2/image"
    )
    assert shown.status_code == 200 and shown.content == PNG
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert shown.headers["x-content-type-options"] == "nosniff"
    image_page = (await patient.get(f"/mail/{inbox}/{uids['Photo']}/attachments/2")).text
    assert (
        f'src="/api/mailboxes/{inbox}/messages/{uids["Photo"]}/attachments/2/image"' in image_page
    )

    # An SVG (which may hold scripts) and a PDF are never served as images.
    for subject in ("Dessin", "CR"):
        refused = await patient.get(
            f"/api/mailboxes/{inbox}/messages/{uids[subject]}/attachments/2/image"
        )
        assert refused.status_code == 404
    drawing = (await patient.get(f"/mail/{inbox}/{uids['Dessin']}")).text
    assert f"/mail/{inbox}/{uids['Dessin']}/attachments/2" not in drawing, "download only"

    other = await sign_in(web, PATIENT_B)
    foreign = await other.get(f"/mail/{inbox}/{uids['CR']}/attachments/2")
    assert foreign.status_code == 404
    stolen = await other.get(f"/api/mailboxes/{inbox}/messages/{uids['Photo']}/attachments/2/image")
    assert stolen.status_code == 404
    missing = await patient.get(f"/mail/{inbox}/{uids['CR']}/attachments/9")
    assert missing.status_code == 404


async def test_saving_twice_keeps_one_document_and_the_page_says_so(web: Web) -> None:
    pdf = b"%PDF-1.4\nordonnance\n%%EOF\n"
    await professional_writes(web, PATIENT, with_attachment(PATIENT, "Ordo", "x", "o.pdf", pdf))
    # The same document again, in another message.
    await professional_writes(web, PATIENT, with_attachment(PATIENT, "Copie", "x", "o2.pdf", pdf))
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    uids = {
        m["subject"]: m["uid"]
        for m in (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    }
    save = f"/api/mailboxes/{inbox}/messages/{uids['Ordo']}/attachments/2/vault"
    before = (await patient.get(f"/mail/{inbox}/{uids['Ordo']}")).text
    assert f'data-api="{save}"' in before and "Déjà dans mes documents" not in before

    first = await patient.post(save)
    again = await patient.post(save)
    copy = await patient.post(
        f"/api/mailboxes/{inbox}/messages/{uids['Copie']}/attachments/2/vault"
    )
    assert first.status_code == again.status_code == copy.status_code == 200
    assert first.json()["id"] == again.json()["id"] == copy.json()["id"]
    assert len((await patient.get("/api/vault/documents")).json()) == 1

    for uid in (uids["Ordo"], uids["Copie"]):
        after = (await patient.get(f"/mail/{inbox}/{uid}")).text
        assert "Déjà dans mes documents" in after and '/vault"' not in after
    viewer = (await patient.get(f"/mail/{inbox}/{uids['Ordo']}/attachments/2")).text
    assert "Déjà dans mes documents" in viewer

    # Another patient holding the same bytes has not saved them.
    await professional_writes(web, PATIENT_B, with_attachment(PATIENT_B, "Ordo", "x", "o.pdf", pdf))
    other = await sign_in(web, PATIENT_B)
    other_inbox = await other.folder_id()
    [mine] = (await other.get(f"/api/mailboxes/{other_inbox}/messages")).json()["messages"]
    assert (
        "Déjà dans mes documents"
        not in (await other.get(f"/mail/{other_inbox}/{mine['uid']}")).text
    )

    document = first.json()["id"]
    assert (await patient.delete(f"/api/vault/documents/{document}")).status_code == 200
    assert (
        "Déjà dans mes documents" not in (await patient.get(f"/mail/{inbox}/{uids['Ordo']}")).text
    )
