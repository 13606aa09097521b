"""The document vault: upload, list (by type), download, preview, rename, delete, share with a
professional, export as IHE XDM.

An upload is the file itself as the request body (its name and title in the query), read into
memory up to the size limit and encrypted before it is stored: no plaintext copy is ever spooled
to a temporary file, as a multipart form parser would do for large files.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.responses import Response

from mss.store.errors import NotFound
from mss.vault.kinds import DOCUMENT_TYPES, guess_type
from mss.vault.model import DocumentMeta, DocumentSource
from mss.vault.xdm_export import export_package
from mss.xdm.package import ZIP_NAME, XdmBuildError
from webmail.api.deps import Session, State, require_csrf
from webmail.api.mail import attachment_response
from webmail.api.models import DocumentOut, DocumentRename, DocumentShare, Done, Sent
from webmail.mail.compose import guess_content_type
from webmail.mail.documents import of_type
from webmail.mail.professionals import NotAProfessional, normalised
from webmail.mail.sharing import ShareWording, shared_document
from webmail.mail.view import image_type
from webmail.pages.render import translator

router = APIRouter(prefix="/api/vault", tags=["vault"], dependencies=[Depends(require_csrf)])


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, translator(request)("error.too_large"))
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise HTTPException(413, translator(request)("error.too_large"))
        chunks.append(chunk)
    return b"".join(chunks)


def clean_name(filename: str) -> str:
    """A file name without directories or control characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f").strip()
    return name[:200] or "document"


@router.get("/documents", response_model=list[DocumentOut])
async def documents(
    state: State,
    session: Session,
    doc_type: Annotated[str | None, Query(alias="type", max_length=40)] = None,
) -> list[DocumentOut]:
    """All the documents, or those of one type (``?type=lab``: the vault's categories)."""
    listed = of_type(await state.vault.list(session.unlocked), doc_type)
    return [DocumentOut.of(d) for d in listed]


@router.post(
    "/documents",
    response_model=DocumentOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
    responses={413: {}},
)
async def upload(
    request: Request,
    state: State,
    session: Session,
    filename: Annotated[str, Query(min_length=1, max_length=255)],
    title: Annotated[str, Query(max_length=200)] = "",
    doc_type: Annotated[str | None, Query(alias="type")] = None,
) -> DocumentOut:
    content = await read_body(request, state.settings.max_upload_bytes)
    name = clean_name(filename)
    kind = doc_type if doc_type in DOCUMENT_TYPES else guess_type(name)
    declared = request.headers.get("content-type", "").split(";")[0].strip().lower()
    media = declared if declared and declared != "application/octet-stream" else ""
    meta = DocumentMeta(
        title=title.strip() or name.rsplit(".", 1)[0] or name,
        doc_type=kind,
        filename=name,
        content_type=media or guess_content_type(name),
        document_date=int(time.time()),
        source=DocumentSource(kind="upload"),
    )
    return DocumentOut.of(await state.vault.add(session.unlocked, meta, content))


@router.get("/export", response_class=Response, responses={422: {}})
async def export(
    state: State, session: Session, ids: Annotated[list[int], Query(max_length=50)]
) -> Response:
    """The chosen documents as one IHE_XDM.ZIP, to hand to a professional or another system."""
    try:
        package = await export_package(state.vault, session.unlocked, ids)
    except XdmBuildError as exc:
        raise HTTPException(422, str(exc)) from exc
    return attachment_response(package, ZIP_NAME)


@router.get("/documents/{document_id}", response_model=DocumentOut)
async def document(state: State, session: Session, document_id: int) -> DocumentOut:
    return DocumentOut.of(await state.vault.get(session.unlocked, document_id))


@router.patch("/documents/{document_id}", response_model=DocumentOut, responses={422: {}})
async def rename(
    state: State, session: Session, document_id: int, body: DocumentRename
) -> DocumentOut:
    try:
        renamed = await state.vault.rename(session.unlocked, document_id, body.title)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return DocumentOut.of(renamed)


@router.get("/documents/{document_id}/content", response_class=Response)
async def content(state: State, session: Session, document_id: int) -> Response:
    found, data = await state.vault.content(session.unlocked, document_id)
    return attachment_response(data, found.meta.filename)


@router.delete("/documents/{document_id}", response_model=Done)
async def delete(state: State, session: Session, document_id: int) -> Done:
    await state.vault.delete(session.unlocked, document_id)
    return Done()


@router.get("/documents/{document_id}/image", response_class=Response)
async def image(state: State, session: Session, document_id: int) -> Response:
    """A raster image document shown by the preview page, as the attachment viewer's images
    are: inline, PNG, JPEG, GIF or WebP only (never SVG), under a policy that lets it run and
    load nothing; 404 for any other kind, which stays a download."""
    found, data = await state.vault.content(session.unlocked, document_id)
    media = image_type(found.meta.content_type, found.meta.filename)
    if media is None:
        raise NotFound("no such image")
    return Response(
        data,
        media_type=media,
        headers={
            "content-disposition": "inline",
            "content-security-policy": "default-src 'none'; sandbox",
        },
    )


@router.post("/documents/{document_id}/share", response_model=Sent, responses={422: {}, 413: {}})
async def share(
    request: Request, state: State, session: Session, document_id: int, body: DocumentShare
) -> Sent:
    """Send the document as an attachment to one of the patient's professionals. Anyone who
    never wrote to the patient is refused here in plain words, before submission; submission
    then applies the core's policy all the same."""
    t = translator(request)
    document, data = await state.vault.content(session.unlocked, document_id)
    recipient = normalised(body.to)
    try:
        await state.professionals.check(session.unlocked, [body.to])
    except NotAProfessional:
        raise HTTPException(422, t("documents.share_refused", address=body.to)) from None
    wording = ShareWording(
        t("documents.share_subject", title=document.meta.title),
        t("documents.share_body", title=document.meta.title),
    )
    outgoing = shared_document(document, data, recipient, body.message, wording)
    result = await state.actions.send(session.unlocked, outgoing)
    return Sent(delivered=result.delivered, queued=result.queued)
