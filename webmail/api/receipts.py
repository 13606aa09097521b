"""Read receipts in the webmail: the patient's answer to the prompt, and the setting.

Both change state, so both are POSTs behind the CSRF check; the message is resolved under the
signed-in account like every other message route, and the rules (RFC 8098 §2.1, $MDNSent of
RFC 3503) live in the core's :class:`~mss.receipts.displayed.DisplayedReceipts`.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from mss.receipts.displayed import ReceiptMode
from webmail.api.deps import Session, State, require_csrf
from webmail.api.mail import OwnedMailbox
from webmail.api.models import Done

router = APIRouter(prefix="/api", tags=["receipts"], dependencies=[Depends(require_csrf)])


class ReceiptAnswer(BaseModel):
    send: bool


class ReceiptSetting(BaseModel):
    mode: ReceiptMode


@router.post("/mailboxes/{mailbox_id}/messages/{uid}/receipt", response_model=Done)
async def answer(
    state: State, session: Session, mailbox: OwnedMailbox, uid: int, body: ReceiptAnswer
) -> Done:
    opened = await state.reader.open(session.unlocked, mailbox, uid)
    await state.receipts.answer(
        session.account, mailbox.id, uid, opened.raw, opened.record.flags, body.send
    )
    return Done()


@router.post("/account/read-receipts", response_model=Done)
async def setting(state: State, session: Session, body: ReceiptSetting) -> Done:
    await state.receipts.set_mode(session.account, body.mode)
    return Done()
