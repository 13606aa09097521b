""" "Mes professionnels": whom a patient can write to, and a way to answer each.

A patient cannot open a conversation (DESIGN.md, policy of the trust space), so the webmail has
no "new message" button; this page is how a patient finds the professionals who wrote to them,
each with a link to answer their latest message.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import getaddresses

from fastapi import APIRouter, Request
from starlette.responses import Response

from mss.store.records import AccountKind
from webmail.api.deps import PageSession, State
from webmail.mail.compose import Outgoing
from webmail.mail.professionals import Professional, normalised
from webmail.pages.render import render
from webmail.security.sessions import WebSession
from webmail.state import WebState

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class RecipientChoice:
    """The reply form's recipients for a patient: chosen from the list, never typed."""

    professionals: list[Professional]
    to: str
    """The address preselected: the message's sender when among them, else none ("")."""
    cc: frozenset[str]
    outside: bool
    """The message answered names a recipient who is not among them (said on the form)."""


async def recipient_choice(
    state: WebState, session: WebSession, outgoing: Outgoing
) -> RecipientChoice | None:
    """For a patient, whom the form offers; None for others, who type addresses freely."""
    if session.account.kind is not AccountKind.PATIENT:
        return None
    found = await state.professionals.find(session.unlocked, session.token)
    known = {p.person.address for p in found}
    to = [address for _, address in getaddresses(list(outgoing.to)) if address]
    cc = {normalised(address) for _, address in getaddresses(list(outgoing.cc)) if address}
    wanted = [normalised(address) for address in to]
    first = next((address for address in wanted if address in known), "")
    return RecipientChoice(found, first, frozenset(cc & known), bool(wanted) and not first)


@router.get("/professionals")
async def professionals(request: Request, state: State, session: PageSession) -> Response:
    return render(
        request,
        "professionals.html",
        {
            "session": session,
            "csrf": session.csrf_token,
            "professionals": await state.professionals.find(session.unlocked, session.token),
        },
    )
