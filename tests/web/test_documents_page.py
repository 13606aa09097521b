""" "Mes documents" (issue 11, item 5): filter by type, type, author, date of the act and source
shown, preview page in the attachment viewer, rename, and "Partager avec un professionnel",
which sends the document, byte for byte, to a professional who wrote to the patient and to no
one else. Over httpx against the real server, on SQLite and PostgreSQL."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from pdfs import plain_pdf

from mailserver import DOCTOR, NURSE, PATIENT, read_mailbox

from .harness import PATIENT_B, Browserless, Web, professional_writes, sign_in, with_attachment
from .test_conversations import PNG

# Every octet value, and CR/LF/NUL runs a text transfer would mangle: what must arrive unchanged.
AWKWARD = bytes(range(256)) * 3 + b"\r\n.\r\n\x00\r\r\n\n" + b"%PDF-1.4 fin"


async def upload(patient: Browserless, filename: str, content: bytes, media: str) -> int:
    answer = await patient.post(
        "/api/vault/documents",
        params={"filename": filename},
        content=content,
        headers={"content-type": media},
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


async def test_filter_by_type_and_what_each_document_shows(web: Web) -> None:
    await professional_writes(
        web, PATIENT, with_attachment(PATIENT, "Vos résultats", "Ci-joint.", "bilan.pdf", b"%PDF")
    )
    patient = await sign_in(web, PATIENT)
    prescription = await upload(patient, "ordonnance-janvier.pdf", plain_pdf(1), "application/pdf")
    lab = await upload(patient, "resultat-analyse.pdf", b"%PDF-1.4 lab", "application/pdf")
    inbox = await patient.folder_id()
    saved = await patient.post(f"/api/mailboxes/{inbox}/messages/1/attachments/2/vault")
    assert saved.status_code == 200, saved.text

    listed = (await patient.get("/api/vault/documents", params={"type": "lab"})).json()
    assert [d["id"] for d in listed] == [lab]
    both = (await patient.get("/api/vault/documents", params={"type": "prescription"})).json()
    assert [d["id"] for d in both] == [prescription]
    everything = (await patient.get("/api/vault/documents")).json()
    assert len(everything) == 3

    page = (await patient.get("/documents", params={"type": "lab"})).text
    assert "resultat-analyse" in page and "ordonnance-janvier" not in page
    assert "1 document de type « Résultats d&#39;analyses » sur 3" in page
    assert '<option value="lab" selected>' in page
    full = (await patient.get("/documents")).text
    assert "ordonnance-janvier" in full and "bilan" in full
    assert "Pièce jointe enregistrée · Reçu de" in full, "the source of a saved attachment"
    assert "Ajouté par vous" in full, "the source of an upload"
    assert "acte du " in full, "the date of the act"
    assert f'href="/documents/{prescription}"' in full, "a PDF gets its preview link"


async def test_preview_page_and_image_route(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    pdf = await upload(patient, "compte-rendu.pdf", plain_pdf(2), "application/pdf")
    png = await upload(patient, "radio.png", PNG, "image/png")
    text = await upload(patient, "notes.txt", b"texte", "text/plain")

    page = await patient.get(f"/documents/{pdf}")
    assert page.status_code == 200
    assert f'data-pdf="/api/vault/documents/{pdf}/content"' in page.text
    assert '<script type="module" src="/static/attachment.js"></script>' in page.text
    assert "Date de l&#39;acte" in page.text and "Provenance" in page.text

    image_page = (await patient.get(f"/documents/{png}")).text
    assert f'src="/api/vault/documents/{png}/image"' in image_page
    image = await patient.get(f"/api/vault/documents/{png}/image")
    assert image.status_code == 200 and image.content == PNG
    assert image.headers["content-type"] == "image/png"
    assert image.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert (await patient.get(f"/api/vault/documents/{pdf}/image")).status_code == 404
    assert (await patient.get(f"/api/vault/documents/{text}/image")).status_code == 404

    other = await sign_in(web, PATIENT_B)
    assert (await other.get(f"/documents/{pdf}")).status_code == 404
    assert (await other.get(f"/api/vault/documents/{png}/image")).status_code == 404

    renamed = await patient.patch(f"/api/vault/documents/{pdf}", json={"title": "CR cardiologie"})
    assert renamed.status_code == 200
    assert "<h1>CR cardiologie</h1>" in (await patient.get(f"/documents/{pdf}")).text


def attachments_of(raw: bytes) -> list[tuple[str, bytes]]:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    found = []
    for part in parsed.iter_attachments():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found.append((part.get_filename() or "", payload))
    return found


async def test_share_sends_the_document_to_a_professional_who_wrote(web: Web) -> None:
    await professional_writes(
        web, PATIENT, with_attachment(PATIENT, "Rendez-vous", "Bonjour.", "convocation.pdf", b"%")
    )
    patient = await sign_in(web, PATIENT)
    document = await upload(patient, "echographie.pdf", AWKWARD, "application/pdf")
    page = (await patient.get(f"/documents/{document}")).text
    assert f'<option value="{DOCTOR}">' in page, "the form offers the professional who wrote"
    before = len(await read_mailbox(web.runtime, DOCTOR))

    shared = await patient.post(
        f"/api/vault/documents/{document}/share",
        json={"to": DOCTOR, "message": "Voici mon échographie."},
    )
    assert shared.status_code == 200, shared.text
    assert shared.json()["delivered"] == [DOCTOR]
    inbox = await read_mailbox(web.runtime, DOCTOR)
    assert len(inbox) == before + 1
    arrived = email.message_from_bytes(inbox[-1], policy=email.policy.default)
    assert arrived["Subject"] == "Document partagé : echographie"
    assert PATIENT in arrived["From"]
    assert attachments_of(inbox[-1]) == [("echographie.pdf", AWKWARD)], "byte-identical"


async def test_share_is_refused_to_whoever_never_wrote(web: Web) -> None:
    await professional_writes(
        web, PATIENT, with_attachment(PATIENT, "Rendez-vous", "Bonjour.", "convocation.pdf", b"%")
    )
    patient = await sign_in(web, PATIENT)
    document = await upload(patient, "echographie.pdf", AWKWARD, "application/pdf")
    page = (await patient.get(f"/documents/{document}")).text
    assert NURSE not in page, "only professionals who wrote are offered"
    nurse_before = len(await read_mailbox(web.runtime, NURSE))
    for stranger in (NURSE, PATIENT_B, f"Dr X <{NURSE}>", "pas une adresse"):
        refused = await patient.post(
            f"/api/vault/documents/{document}/share", json={"to": stranger}
        )
        assert refused.status_code == 422, (stranger, refused.text)
        assert "qu'avec un professionnel qui vous a écrit" in refused.json()["detail"]
    assert len(await read_mailbox(web.runtime, NURSE)) == nurse_before, "nothing was sent"

    other = await sign_in(web, PATIENT_B)
    foreign = await other.post(f"/api/vault/documents/{document}/share", json={"to": DOCTOR})
    assert foreign.status_code == 404, "another patient's document cannot be shared"
