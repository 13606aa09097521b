"""The viewer page of one attachment: a PDF in the webmail's PDF.js viewer, an image as an
image, both fetched from this origin (the attachment's own routes), nothing from elsewhere.

The page resolves the mailbox under the signed-in account, the UID inside it and the part path
inside that message, as the download route does; a foreign or missing one is the 404 page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from mss.store.errors import NotFound
from webmail.api.deps import PageSession, State
from webmail.mail.headers import decode_text
from webmail.mail.view import listed_attachments
from webmail.pages.render import render

router = APIRouter(include_in_schema=False)


@router.get("/mail/{mailbox_id}/{uid}/attachments/{path}")
async def attachment_page(
    request: Request, state: State, session: PageSession, mailbox_id: int, uid: int, path: str
) -> Response:
    mailbox = await state.reader.mailbox(session.account, mailbox_id)
    opened = await state.reader.open(session.unlocked, mailbox, uid)
    found = [a for a in listed_attachments(opened.summary.structure, opened.raw) if a.path == path]
    if not found:
        raise NotFound("no such attachment")
    saved = await state.actions.saved_attachments(session.unlocked, opened, [path])
    context = {
        "session": session,
        "csrf": session.csrf_token,
        "folders": await state.reader.folders(session.account),
        "mailbox": mailbox,
        "uid": uid,
        "subject": decode_text(opened.summary.structure.envelope.subject),
        "attachment": found[0],
        "saved": path in saved,
    }
    return render(request, "attachment.html", context)
