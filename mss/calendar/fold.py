"""Folding an event's entries into what the owner sees (RFC 5546 §2.1.4–2.1.5).

Delivery cannot read the owner's agenda, so it never updates an event in place: each iTIP object
is appended as its own sealed entry, and the event is resolved here, in the owner's session.
The REQUEST with the highest (SEQUENCE, DTSTAMP) is the event; a CANCEL at least as recent
cancels it; REPLYs update the attendees' PARTSTAT, newest first; the owner's own answer is the
latest "partstat" entry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from mss.calendar.itip import CalendarError, parse_itip
from mss.calendar.model import CalendarEvent, EventVersion, Method, PartStat, Source

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OpenedEntry:
    entry_id: int
    tag: bytes
    body: dict[str, Any]


@dataclass(slots=True)
class _Fold:
    base: EventVersion | None = None
    base_entry: OpenedEntry | None = None
    cancel: EventVersion | None = None
    mine: PartStat | None = None
    replies: dict[str, tuple[tuple[int, datetime], PartStat]] | None = None


def fold(entries: Iterable[OpenedEntry]) -> list[CalendarEvent]:
    """Events in the order their first entry was filed; entries without a REQUEST are left out."""
    folds: dict[bytes, _Fold] = {}
    for entry in entries:
        state = folds.setdefault(entry.tag, _Fold(replies={}))
        try:
            _apply(state, entry)
        except (CalendarError, KeyError, ValueError) as error:
            log.warning("calendar entry %s skipped: %s", entry.entry_id, error)
    events = []
    for tag, state in folds.items():
        if state.base is None or state.base_entry is None:
            continue
        current = state.base
        if state.cancel is not None and state.cancel.order >= current.order:
            current = replace(current, cancelled=True)
        body = state.base_entry.body
        events.append(
            CalendarEvent(
                entry_id=state.base_entry.entry_id,
                tag=tag,
                current=current,
                source=Source(body.get("mailbox_id"), body.get("uid")),
                personal=body["kind"] == "personal",
                my_partstat=state.mine,
                replies={a: p for a, (_, p) in (state.replies or {}).items()},
                href=body.get("href"),
            )
        )
    return events


def _apply(state: _Fold, entry: OpenedEntry) -> None:
    kind = entry.body["kind"]
    if kind == "partstat":
        state.mine = PartStat(entry.body["partstat"])
        return
    versions = parse_itip(str(entry.body["ics"]).encode(), default=Method.PUBLISH)
    version = versions[0]
    if kind in ("personal", "organized", "copy") or version.method in (
        Method.REQUEST,
        Method.PUBLISH,
    ):
        if state.base is None or version.order >= state.base.order:
            state.base, state.base_entry = version, entry
    elif version.method is Method.CANCEL:
        if state.cancel is None or version.order >= state.cancel.order:
            state.cancel = version
    elif version.method is Method.REPLY and state.replies is not None:
        for attendee in version.attendees:
            known = state.replies.get(attendee.address)
            if known is None or version.order >= known[0]:
                state.replies[attendee.address] = (version.order, attendee.partstat)
