"""Mail pages: a folder's list, one message, its sandboxed body frame, the reply form.

All of them are GETs that change nothing (opening a message does not even mark it read: the
page's script asks the API to, with its CSRF token). Ids are resolved under the signed-in
account exactly as in the API, so a foreign id is the same 404 page as a missing one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from mss.receipts.tracking import RecipientStatus, message_id_of
from mss.store.errors import NotFound
from mss.store.records import Mailbox, SortKey
from webmail.api.deps import PageSession, State
from webmail.i18n import language_of
from webmail.mail.compose import read_draft, reply
from webmail.mail.frame import FRAME_SANDBOX, frame_document, frame_policy
from webmail.mail.listing import ListView, conversation_row, message_row
from webmail.mail.reader import role_of
from webmail.mail.signature_card import signature_card
from webmail.mail.summaries import ListItem
from webmail.mail.threads import Conversation
from webmail.mail.view import MessageView, build_view, html_body
from webmail.pages.professional_pages import recipient_choice
from webmail.pages.render import render, translator
from webmail.security import cookies
from webmail.security.sessions import WebSession
from webmail.state import WebState

router = APIRouter(include_in_schema=False)


async def _common(state: WebState, session: WebSession) -> dict[str, Any]:
    return {
        "session": session,
        "csrf": session.csrf_token,
        "folders": await state.reader.folders(session.account),
    }


def attribution(request: Request, view: MessageView) -> str:
    t = translator(request)
    who = view.sender.label if view.sender else t("mail.no_sender")
    return t("compose.attribution", when=t.date(view.date), who=who)


@router.get("/mail")
async def inbox(state: State, session: PageSession) -> Response:
    found = await state.reader.special(session.account, "inbox")
    return RedirectResponse(f"/mail/{found.id}", status_code=303)


class ListQuery:
    def __init__(
        self,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
        sort: SortKey = SortKey.DATE,
        order: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
        unseen: bool = False,
        q: Annotated[str, Query(max_length=200)] = "",
    ) -> None:
        self.page, self.sort, self.order, self.unseen, self.q = page, sort, order, unseen, q


Listing = Annotated[ListQuery, Depends()]


async def list_view(
    state: WebState, session: WebSession, mailbox: Mailbox, query: ListQuery
) -> ListView:
    """Conversations when the folder is listed newest first; messages for a search or another
    order (or a folder too large to group)."""
    size = state.settings.page_size
    if not query.q.strip() and query.sort is SortKey.DATE and query.order == "desc":
        grouped = await state.reader.conversations(
            session.unlocked, session.token, mailbox, query.page, size, query.unseen
        )
        if grouped is not None:
            rows = [conversation_row(c) for c in grouped.conversations]
            return ListView(rows, grouped.total, grouped.page, grouped.pages)
    if query.q.strip():
        found = await state.reader.search(
            session.unlocked,
            session.token,
            mailbox,
            query.q,
            size,
            state.settings.search_scan_limit,
        )
        rows = [message_row(item) for item in found.items]
        return ListView(rows, len(rows), 1, 1, found.scanned, found.complete)
    page = await state.reader.page(
        session.unlocked,
        session.token,
        mailbox,
        query.page,
        size,
        query.sort,
        query.order != "asc",
        query.unseen,
    )
    return ListView([message_row(i) for i in page.items], page.total, page.page, page.pages)


async def _listing(
    state: WebState, session: WebSession, mailbox_id: int, query: ListQuery
) -> dict[str, Any]:
    mailbox = await state.reader.mailbox(session.account, mailbox_id)
    listed = await list_view(state, session, mailbox, query)
    return {"mailbox": mailbox, "listing": listed, "query": query, "role": role_of(mailbox)}


@router.get("/mail/{mailbox_id}")
async def folder(
    request: Request, state: State, session: PageSession, mailbox_id: int, query: Listing
) -> Response:
    context = await _common(state, session)
    context.update(await _listing(state, session, mailbox_id, query))
    return render(request, "mail.html", context)


@router.get("/mail/{mailbox_id}/rows")
async def rows(
    request: Request, state: State, session: PageSession, mailbox_id: int, query: Listing
) -> Response:
    """The list alone, for the live refresh of an open folder."""
    context = {"session": session, "folders": await state.reader.folders(session.account)}
    context.update(await _listing(state, session, mailbox_id, query))
    return render(request, "_listing.html", context)


async def _thread(
    state: WebState, session: WebSession, mailbox: Mailbox, uid: int
) -> Conversation[ListItem] | None:
    """The message's conversation over its folder and the Sent folder; None when alone."""
    folders = [mailbox]
    try:
        sent = await state.reader.special(session.account, "sent")
    except NotFound:
        sent = None
    if sent is not None and sent.id != mailbox.id:
        folders.append(sent)
    found = await state.reader.thread(session.unlocked, session.token, folders, mailbox, uid)
    return found if found is not None and found.count > 1 else None


@router.get("/mail/{mailbox_id}/{uid}")
async def message(
    request: Request, state: State, session: PageSession, mailbox_id: int, uid: int
) -> Response:
    mailbox = await state.reader.mailbox(session.account, mailbox_id)
    opened = await state.reader.open(session.unlocked, mailbox, uid)
    view = build_view(opened.record, opened.summary, opened.raw, mailbox.id)
    remote = 0
    if view.has_html:
        cleaned = html_body(opened.summary.structure, opened.raw, False, 0)
        remote = cleaned.remote_images if cleaned else 0
    thread = await _thread(state, session, mailbox, uid)
    unseen = [uid] if "\\Seen" not in view.flags else []
    if thread is not None:
        # Opening a conversation reads it all: its unread messages of this folder are marked.
        unseen = [m.uid for m in thread.messages if m.mailbox_id == mailbox.id and not m.seen]
    context = await _common(state, session)
    context.update(
        {
            "mailbox": mailbox,
            "view": view,
            "thread": thread,
            "unseen_uids": unseen,
            "remote_images": remote,
            "images": request.query_params.get("images") == "1",
            "sandbox": FRAME_SANDBOX,
            "documents": await state.vault.list(session.unlocked),
            "saved_paths": await state.actions.saved_attachments(
                session.unlocked, opened, [a.path for a in view.attachments]
            ),
            "invitation": await state.runtime.calendar.event_of_message(
                session.unlocked, mailbox.id, uid
            ),
            "signature": await signature_card(
                state.runtime.signatures,
                session.unlocked,
                opened.raw,
                opened.summary.structure.header_end,
            ),
            "tracking": await _tracking(state, session, mailbox, opened.raw),
            "conversation_closed": view.sender is not None
            and await state.runtime.policy.conversation_closed(
                session.account, view.sender.address
            ),
            # Sends or declines by the patient's setting; asks only when set to ask.
            "receipt_request": await state.receipts.opened(
                session.account, mailbox.id, uid, opened.raw, opened.record.flags
            ),
        }
    )
    return render(request, "message.html", context)


@router.get("/mail/{mailbox_id}/{uid}/frame")
async def frame(
    request: Request, state: State, session: PageSession, mailbox_id: int, uid: int
) -> Response:
    """The HTML body, sanitised, under its own policy: no script, no remote load unless the
    patient allowed images for this message, sandboxed even if opened outside its frame."""
    mailbox = await state.reader.mailbox(session.account, mailbox_id)
    opened = await state.reader.open(session.unlocked, mailbox, uid)
    allow = request.query_params.get("images") == "1"
    cleaned = html_body(
        opened.summary.structure, opened.raw, allow, state.settings.inline_image_budget
    )
    lang = language_of(request.cookies.get(cookies.LANGUAGE))
    return HTMLResponse(
        frame_document(cleaned.html if cleaned else "", lang),
        headers={
            "content-security-policy": frame_policy(allow),
            "x-frame-options": "SAMEORIGIN",
        },
    )


@router.get("/mail/{mailbox_id}/{uid}/reply")
async def reply_form(
    request: Request,
    state: State,
    session: PageSession,
    mailbox_id: int,
    uid: int,
    all: bool = False,
) -> Response:
    mailbox = await state.reader.mailbox(session.account, mailbox_id)
    opened = await state.reader.open(session.unlocked, mailbox, uid)
    view = build_view(opened.record, opened.summary, opened.raw, mailbox.id)
    context = await _common(state, session)
    outgoing = reply(view, session.account, all, attribution(request, view))
    context.update(
        {
            "outgoing": outgoing,
            "reply_to": {"mailbox_id": mailbox.id, "uid": uid},
            "draft": None,
            "documents": await state.vault.list(session.unlocked),
            "recipients": await recipient_choice(state, session, outgoing),
        }
    )
    return render(request, "compose.html", context)


@router.get("/mail/{mailbox_id}/{uid}/edit")
async def edit_draft(
    request: Request, state: State, session: PageSession, mailbox_id: int, uid: int
) -> Response:
    mailbox = await state.reader.mailbox(session.account, mailbox_id)
    opened = await state.reader.open(session.unlocked, mailbox, uid)
    context = await _common(state, session)
    outgoing = read_draft(opened.raw)
    context.update(
        {
            "outgoing": outgoing,
            "reply_to": None,
            "draft": {"mailbox_id": mailbox.id, "uid": uid},
            "documents": await state.vault.list(session.unlocked),
            "recipients": await recipient_choice(state, session, outgoing),
        }
    )
    return render(request, "compose.html", context)


async def _tracking(
    state: WebState, session: WebSession, mailbox: Mailbox, raw: bytes
) -> list[RecipientStatus]:
    """What became of a sent message, per recipient (mss/receipts/tracking.py)."""
    message_id = message_id_of(raw)
    if role_of(mailbox) != "sent" or message_id is None:
        return []
    return await state.runtime.tracking.status(session.unlocked.keys, session.account, message_id)
