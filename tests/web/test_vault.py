"""The document vault: upload, list, download, delete; encrypted at rest like mail."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from mailserver import PATIENT
from mss.store.vault_schema import vault_contents, vault_documents
from mss.xdm.package import XdmDocument, XdmSubmission, build_package
from mss.xdm.unpack import read_package

from .harness import Web, professional_writes, sign_in, with_attachment


async def test_upload_list_download_delete(web: Web, canary: str) -> None:
    patient = await sign_in(web, PATIENT)
    content = f"%PDF-1.4 {canary} %%EOF".encode()
    uploaded = await patient.post(
        "/api/vault/documents",
        params={"filename": f"../../Radio {canary}.pdf", "title": f"Radio {canary}"},
        content=content,
        headers={"content-type": "application/pdf"},
    )
    assert uploaded.status_code == 200, uploaded.text
    document = uploaded.json()
    assert document["filename"] == f"Radio {canary}.pdf", "no directories in a file name"
    assert (document["doc_type"], document["content_type"]) == ("imaging", "application/pdf")
    assert document["source"]["kind"] == "upload" and document["size"] == len(content)

    [listed] = (await patient.get("/api/vault/documents")).json()
    assert listed["title"] == f"Radio {canary}"
    download = await patient.get(f"/api/vault/documents/{document['id']}/content")
    assert download.content == content
    assert download.headers["content-type"] == "application/octet-stream"
    assert "sandbox" in download.headers["content-security-policy"]

    async with web.runtime.database.reader.connect() as conn:
        rows = (await conn.execute(select(vault_documents))).all()
        blobs = (await conn.execute(select(vault_contents))).all()
    dump = repr(rows).encode() + repr(blobs).encode()
    assert canary.encode() not in dump, "title, name and content are stored encrypted"

    renamed = await patient.patch(
        f"/api/vault/documents/{document['id']}", json={"title": f"Radio du thorax {canary}"}
    )
    assert renamed.status_code == 200 and renamed.json()["filename"] == document["filename"]
    [listed] = (await patient.get("/api/vault/documents")).json()
    assert listed["title"] == f"Radio du thorax {canary}"
    blank = await patient.patch(f"/api/vault/documents/{document['id']}", json={"title": "  "})
    assert blank.status_code == 422
    assert (
        await patient.patch("/api/vault/documents/999999", json={"title": "x"})
    ).status_code == 404

    page = await patient.get("/documents")
    assert f"Radio du thorax {canary}" in page.text
    assert (await patient.delete(f"/api/vault/documents/{document['id']}")).status_code == 200
    assert (await patient.get("/api/vault/documents")).json() == []
    assert (await patient.get(f"/api/vault/documents/{document['id']}")).status_code == 404


async def test_uploads_are_bounded(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    limit = web.service.settings.max_upload_bytes
    answer = await patient.post(
        "/api/vault/documents", params={"filename": "big.bin"}, content=b"x" * (limit + 1)
    )
    assert answer.status_code == 413


async def test_no_request_body_is_unbounded(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    huge = "x" * (web.service.settings.max_upload_bytes + 128 * 1024)
    answer = await patient.post("/api/messages", json={"to": ["a@b.example"], "body": huge})
    assert answer.status_code == 413


async def test_xdm_documents_show_their_metadata_and_export_back(web: Web) -> None:
    created = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    document = XdmDocument(
        b"%PDF-1.4 radio %%EOF",
        "application/pdf",
        "Radio du genou",
        "18748-4",
        "Imagerie",
        created,
        author="Dr Lise Roy",
    )
    package = build_package(
        XdmSubmission(PATIENT.split("@", 1)[0], "Dr Lise Roy", "CIM Est", [document])
    )
    raw = with_attachment(PATIENT, "Votre radio", "Bonjour.", "IHE_XDM.ZIP", package)
    await professional_writes(web, PATIENT, raw)
    patient = await sign_in(web, PATIENT)
    [listed] = (await patient.get("/api/vault/documents")).json()
    assert (listed["title"], listed["type_code"], listed["author"]) == (
        "Radio du genou",
        "18748-4",
        "Dr Lise Roy",
    )
    assert listed["source"]["kind"] == "xdm"
    page = (await patient.get("/documents")).text
    assert "Compte rendu d&#39;imagerie médicale · Dr Lise Roy" in page
    assert "Reçu de jeanne.martin@hopital.example : « Votre radio »" in page

    exported = await patient.get("/api/vault/export", params={"ids": [listed["id"]]})
    assert exported.status_code == 200
    assert "IHE_XDM.ZIP" in exported.headers["content-disposition"]
    [again] = read_package(exported.content)
    assert (again.title, again.type_code, again.content) == (
        "Radio du genou",
        "18748-4",
        b"%PDF-1.4 radio %%EOF",
    )
    missing = await patient.get("/api/vault/export", params={"ids": [listed["id"] + 1000]})
    assert missing.status_code == 404
