"""Sending replies and keeping drafts.

A patient only ever answers: the reply form is reached from a message, and submission refuses
any recipient who has not written to the patient first (422 with the policy's reason). Before
that, a patient's recipients must be among "Mes professionnels" (the list the form offers), so a
typed or forged address gets a plain French refusal naming it, not the policy's jargon. The
message answered, the draft being edited and the vault documents attached are each looked up
under the signed-in account before anything is sent.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from mss.store.errors import NotFound
from mss.store.records import AccountKind
from webmail.api.deps import Session, State, require_csrf
from webmail.api.models import Compose, DraftSaved, MessageRefIn, Sent
from webmail.mail.actions import MessageRef
from webmail.mail.compose import Outgoing, OutgoingAttachment, one_line, read_draft
from webmail.mail.professionals import NotAProfessional
from webmail.mail.view import build_view
from webmail.pages.render import translator
from webmail.security.sessions import WebSession
from webmail.state import WebState

router = APIRouter(prefix="/api", tags=["compose"], dependencies=[Depends(require_csrf)])


async def _ref(state: WebState, session: WebSession, ref: MessageRefIn | None) -> MessageRef | None:
    if ref is None:
        return None
    mailbox = await state.reader.mailbox(session.account, ref.mailbox_id)
    if not await state.store.message_heads(mailbox.id, [ref.uid]):
        raise NotFound("no such message")
    return MessageRef(mailbox, ref.uid)


async def _outgoing(
    state: WebState,
    session: WebSession,
    body: Compose,
    answering: MessageRef | None,
    draft: MessageRef | None,
) -> Outgoing:
    """The message from the form; its thread fields (In-Reply-To, References) come from the
    message answered or from the draft, never from the browser."""
    attached: list[OutgoingAttachment] = []
    in_reply_to = references = ""
    if draft is not None:
        opened = await state.reader.open(session.unlocked, draft.mailbox, draft.uid)
        previous = read_draft(opened.raw)
        in_reply_to, references = previous.in_reply_to, previous.references
        for index in body.keep_draft_attachments:
            if not 0 <= index < len(previous.attachments):
                raise NotFound("no such attachment")
            attached.append(previous.attachments[index])
    if answering is not None:
        opened = await state.reader.open(session.unlocked, answering.mailbox, answering.uid)
        view = build_view(opened.record, opened.summary, opened.raw, answering.mailbox.id)
        in_reply_to = view.message_id
        references = " ".join(part for part in (view.references, view.message_id) if part)
    for document_id in dict.fromkeys(body.vault_ids):
        document, content = await state.vault.content(session.unlocked, document_id)
        meta = document.meta
        attached.append(OutgoingAttachment(meta.filename, meta.content_type, content))
    return Outgoing(
        to=tuple(a.strip() for a in body.to if a.strip()),
        cc=tuple(a.strip() for a in body.cc if a.strip()),
        subject=one_line(body.subject),
        body=body.body,
        in_reply_to=in_reply_to,
        references=references,
        attachments=tuple(attached),
    )


async def _only_professionals(
    request: Request, state: WebState, session: WebSession, outgoing: Outgoing
) -> None:
    """A patient answers only the professionals who wrote to them (the reply form offers no
    one else): anyone else is refused here, named, in words a patient understands."""
    try:
        await state.professionals.check(session.unlocked, outgoing.envelope_recipients())
    except NotAProfessional as refused:
        t = translator(request)
        raise HTTPException(422, t("compose.not_professional", address=refused.address)) from None


@router.post("/messages", response_model=Sent, responses={422: {}, 413: {}})
async def send(request: Request, state: State, session: Session, body: Compose) -> Sent:
    answering = await _ref(state, session, body.reply_to)
    draft = await _ref(state, session, body.draft)
    outgoing = await _outgoing(state, session, body, answering, draft)
    if session.account.kind is AccountKind.PATIENT:
        await _only_professionals(request, state, session, outgoing)
    result = await state.actions.send(session.unlocked, outgoing, answering, draft)
    return Sent(delivered=result.delivered, queued=result.queued)


@router.post("/drafts", response_model=DraftSaved, responses={413: {}})
async def save_draft(state: State, session: Session, body: Compose) -> DraftSaved:
    answering = await _ref(state, session, body.reply_to)
    draft = await _ref(state, session, body.draft)
    outgoing = await _outgoing(state, session, body, answering, draft)
    appended = await state.actions.save_draft(session.unlocked, outgoing, draft)
    return DraftSaved(mailbox_id=appended.mailbox_id, uid=appended.uid)
