"""One document of "Mes documents": its metadata, its preview in the webmail's viewers (the PDF.js
viewer and the image view of attachments, same partial, same scripts, from this origin only),
renaming, and sharing with one of the patient's professionals.

The document is looked up under the signed-in account, as every vault route does: another
patient's id is the 404 page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from webmail.api.deps import PageSession, State
from webmail.mail.documents import viewer
from webmail.pages.render import render

router = APIRouter(include_in_schema=False)


@router.get("/documents/{document_id}")
async def document_page(
    request: Request, state: State, session: PageSession, document_id: int
) -> Response:
    document = await state.vault.get(session.unlocked, document_id)
    base = f"/api/vault/documents/{document.id}"
    context = {
        "session": session,
        "csrf": session.csrf_token,
        "document": document,
        "viewer": viewer(document),
        "pdf_url": f"{base}/content",
        "image_url": f"{base}/image",
        "name": document.meta.title,
        "professionals": await state.professionals.find(session.unlocked, session.token),
    }
    return render(request, "document.html", context)
