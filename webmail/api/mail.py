"""Folders and messages: list, read, download, flag, trash, save to the vault.

Every route first resolves its mailbox id under the signed-in account (404 otherwise), then its
UID inside that mailbox, then the attachment path inside that message: no identifier is ever
used before the one above it has been checked to be the patient's.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from mss.mime import decoded_body
from mss.store.errors import NotFound
from mss.store.records import Mailbox, SortKey
from webmail.api.deps import Session, State, require_csrf
from webmail.api.models import (
    DocumentOut,
    Done,
    FlagChange,
    FolderOut,
    MessageList,
    MessageOut,
    MessageSummaryOut,
    Trashed,
    Uids,
)
from webmail.mail.actions import MessageRef
from webmail.mail.view import build_view, find_attachment
from webmail.security.sessions import WebSession
from webmail.state import WebState

router = APIRouter(prefix="/api/mailboxes", tags=["mail"], dependencies=[Depends(require_csrf)])


async def owned_mailbox(mailbox_id: int, state: State, session: Session) -> Mailbox:
    return await state.reader.mailbox(session.account, mailbox_id)


OwnedMailbox = Annotated[Mailbox, Depends(owned_mailbox)]


def attachment_response(data: bytes, filename: str) -> Response:
    """A download, never rendered on this origin: whatever the part claims to be, the browser
    gets opaque bytes to save, in a sandbox should it try to show them."""
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "content-disposition": f"attachment; filename*=UTF-8''{quote(filename, safe='')}",
            "content-security-policy": "default-src 'none'; sandbox",
        },
    )


@router.get("", response_model=list[FolderOut])
async def folders(state: State, session: Session) -> list[FolderOut]:
    return [FolderOut.of(f) for f in await state.reader.folders(session.account)]


async def list_messages(
    state: WebState,
    session: WebSession,
    mailbox: Mailbox,
    page: int,
    per_page: int | None,
    sort: SortKey,
    order: str,
    unseen: bool,
    q: str,
) -> MessageList:
    size = min(per_page or state.settings.page_size, state.settings.max_page_size)
    if q.strip():
        found = await state.reader.search(
            session.unlocked, session.token, mailbox, q, size, state.settings.search_scan_limit
        )
        return MessageList(
            total=len(found.items),
            page=1,
            pages=1,
            per_page=size,
            messages=[MessageSummaryOut.of(i) for i in found.items],
            scanned=found.scanned,
            complete=found.complete,
        )
    listed = await state.reader.page(
        session.unlocked, session.token, mailbox, page, size, sort, order != "asc", unseen
    )
    return MessageList(
        total=listed.total,
        page=listed.page,
        pages=listed.pages,
        per_page=listed.per_page,
        messages=[MessageSummaryOut.of(i) for i in listed.items],
    )


@router.get("/{mailbox_id}/messages", response_model=MessageList)
async def messages(
    state: State,
    session: Session,
    mailbox: OwnedMailbox,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int | None, Query(ge=1, le=100)] = None,
    sort: SortKey = SortKey.DATE,
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
    unseen: bool = False,
    q: Annotated[str, Query(max_length=200)] = "",
) -> MessageList:
    return await list_messages(state, session, mailbox, page, per_page, sort, order, unseen, q)


@router.get("/{mailbox_id}/messages/{uid}", response_model=MessageOut)
async def message(state: State, session: Session, mailbox: OwnedMailbox, uid: int) -> MessageOut:
    opened = await state.reader.open(session.unlocked, mailbox, uid)
    return MessageOut.of(build_view(opened.record, opened.summary, opened.raw, mailbox.id))


@router.get("/{mailbox_id}/messages/{uid}/attachments/{path}", response_class=Response)
async def attachment(
    state: State, session: Session, mailbox: OwnedMailbox, uid: int, path: str
) -> Response:
    opened = await state.reader.open(session.unlocked, mailbox, uid)
    found = find_attachment(opened.summary.structure, path)
    if found is None:
        raise NotFound("no such attachment")
    part, info = found
    return attachment_response(decoded_body(opened.raw, part), info.filename)


@router.get("/{mailbox_id}/messages/{uid}/attachments/{path}/image", response_class=Response)
async def attachment_image(
    state: State, session: Session, mailbox: OwnedMailbox, uid: int, path: str
) -> Response:
    """A raster image attachment shown by the viewer page, from this origin: served as the
    image it is (PNG, JPEG, GIF or WebP only, never SVG), inline, with a policy that lets it
    run nothing and load nothing; 404 for any other kind, which stays a download."""
    opened = await state.reader.open(session.unlocked, mailbox, uid)
    found = find_attachment(opened.summary.structure, path)
    media = found[1].image_type if found is not None else None
    if found is None or media is None:
        raise NotFound("no such image")
    return Response(
        decoded_body(opened.raw, found[0]),
        media_type=media,
        headers={
            "content-disposition": "inline",
            "content-security-policy": "default-src 'none'; sandbox",
        },
    )


@router.post("/{mailbox_id}/messages/{uid}/attachments/{path}/vault", response_model=DocumentOut)
async def save_to_vault(
    state: State, session: Session, mailbox: OwnedMailbox, uid: int, path: str
) -> DocumentOut:
    document = await state.actions.save_attachment(session.unlocked, MessageRef(mailbox, uid), path)
    return DocumentOut.of(document)


@router.post("/{mailbox_id}/flags", response_model=Done)
async def flags(state: State, mailbox: OwnedMailbox, body: FlagChange) -> Done:
    if body.seen is not None:
        await state.actions.set_seen(mailbox, body.uids, body.seen)
    if body.flagged is not None:
        await state.actions.set_flagged(mailbox, body.uids, body.flagged)
    return Done()


@router.post("/{mailbox_id}/trash", response_model=Trashed)
async def trash(state: State, session: Session, mailbox: OwnedMailbox, body: Uids) -> Trashed:
    """Into the Trash; from the Trash, deleted for good."""
    return Trashed(deleted=await state.actions.trash(session.unlocked, mailbox, body.uids))


@router.post("/{mailbox_id}/delete", response_model=Trashed)
async def delete(state: State, mailbox: OwnedMailbox, body: Uids) -> Trashed:
    await state.actions.delete(mailbox, body.uids)
    return Trashed(deleted=True)
