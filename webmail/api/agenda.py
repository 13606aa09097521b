"""The agenda's JSON API: answering an invitation, personal reminders, reminder times, and the
ICS download of one event. Events are named by the id of the entry that defines them, resolved
under the signed-in account only (another account's id is the same 404 as a missing one)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from mss.calendar.ics import event_ics
from mss.calendar.model import CalendarEvent, PartStat
from mss.policy import PolicyError
from mss.store.errors import NotFound
from webmail.api.deps import Session, State, require_csrf
from webmail.api.models import Done
from webmail.pages.render import translator
from webmail.security.sessions import WebSession
from webmail.state import WebState

router = APIRouter(prefix="/api/agenda", tags=["agenda"], dependencies=[Depends(require_csrf)])
PARIS = ZoneInfo("Europe/Paris")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Answer(_Body):
    partstat: Annotated[str, Field(pattern="^(ACCEPTED|TENTATIVE|DECLINED)$")]


class NewReminder(_Body):
    title: str = Field(min_length=1, max_length=200)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    time: str = Field(default="09:00", pattern=r"^\d{2}:\d{2}$")
    note: str = Field(default="", max_length=2000)


class ReminderTimes(_Body):
    offsets: list[Annotated[int, Field(gt=0, le=60 * 86400)]] = Field(max_length=5)


class Created(BaseModel):
    id: int


async def find_event(state: WebState, session: WebSession, entry_id: int) -> CalendarEvent:
    try:
        return await state.runtime.calendar.event(session.unlocked, entry_id)
    except NotFound:
        raise HTTPException(404, "not found") from None


@router.post("/events/{entry_id}/answer", response_model=Done)
async def answer(
    request: Request, state: State, session: Session, entry_id: int, body: Answer
) -> Done:
    event = await find_event(state, session, entry_id)
    try:
        await state.runtime.calendar.respond(session.unlocked, event, PartStat(body.partstat))
    except PolicyError:
        raise HTTPException(403, translator(request)("agenda.answer_refused")) from None
    except ValueError:
        raise HTTPException(409, translator(request)("agenda.no_answer")) from None
    return Done()


@router.post("/reminders", response_model=Created)
async def add_reminder(
    request: Request, state: State, session: Session, body: NewReminder
) -> Created:
    try:
        start = datetime.fromisoformat(f"{body.date}T{body.time}").replace(tzinfo=PARIS)
    except ValueError:
        raise HTTPException(422, translator(request)("agenda.bad_date")) from None
    entry = await state.runtime.calendar.add_personal(
        session.unlocked, body.title, start, body.note
    )
    return Created(id=entry)


@router.put("/events/{entry_id}/reminders", response_model=Done)
async def reminder_times(
    state: State, session: Session, entry_id: int, body: ReminderTimes
) -> Done:
    event = await find_event(state, session, entry_id)
    await state.runtime.calendar.set_reminders(session.unlocked, event, body.offsets)
    return Done()


@router.delete("/events/{entry_id}", response_model=Done)
async def delete(request: Request, state: State, session: Session, entry_id: int) -> Done:
    event = await find_event(state, session, entry_id)
    try:
        await state.runtime.calendar.delete_personal(session.unlocked, event)
    except ValueError:
        raise HTTPException(409, translator(request)("agenda.not_yours")) from None
    return Done()


@router.get("/events/{entry_id}.ics")
async def download(state: State, session: Session, entry_id: int) -> Response:
    event = await find_event(state, session, entry_id)
    return Response(
        event_ics(event.current),
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="rendez-vous.ics"'},
    )
