"""The document vault: upload, list, download, delete; encrypted at rest like mail."""

from __future__ import annotations

from sqlalchemy import select

from mailserver import PATIENT
from mss.store.vault_schema import vault_contents, vault_documents

from .harness import Web, sign_in


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
