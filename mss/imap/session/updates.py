"""Turning the change feed into untagged responses, at the moments the session allows.

Implementation notes. The feed only marks the selected view dirty, with the MODSEQ each change
announced; the view is refreshed when the session is about to report
(``SelectedMailbox.refresh``), from a shared snapshot at least that new. Changes are published
after their transaction commits (``mss.store.changes``), so a refresh that follows a notification
always sees what it was told about.
"""

from __future__ import annotations

from mss.imap.search.contexts import context_update
from mss.imap.search.run_search import matching
from mss.imap.selected.keywords import announce_new
from mss.imap.session.state import SessionState
from mss.store.changes import Change


def note(state: SessionState, changes: list[Change]) -> None:
    """Mark the selected view dirty if any change touches it (or some were lost)."""
    view = state.selected
    subscription = state.subscription
    if view is None or subscription is None:
        return
    if subscription.overflowed:
        subscription.overflowed = False
        view.note(0)  # changes were lost: only a fresh read is sure to hold them
    for change in changes:
        if change.mailbox_id == view.mailbox.id:
            view.note(change.modseq)


async def updates(state: SessionState, *, allow_expunge: bool) -> list[bytes]:
    """The untagged EXPUNGE/VANISHED, EXISTS, RECENT and FETCH FLAGS responses now due.

    RFC 3501 §7.4.1: ``allow_expunge`` is false while a FETCH, STORE or SEARCH is answered.
    """
    if state.subscription is not None:
        note(state, state.subscription.pending())
    view = state.selected
    if view is None:
        return []
    if view.dirty:
        await view.refresh(state.store)
    added, removed = await _context_changes(state)
    report = view.report(
        allow_expunge=allow_expunge, qresync=state.qresync, condstore=state.condstore
    )
    # A keyword new to the client can only come with a reported change (FETCH or EXISTS).
    lines = announce_new(view) + report if report else report
    return removed + lines + _numbered(state, added, b"ADDTO")


async def _context_changes(
    state: SessionState,
) -> tuple[dict[str, list[int]], list[bytes]]:
    """RFC 5267 §4.3: each updating search run again; the UIDs it gained, by tag, and the
    REMOVEFROM responses for those it lost, numbered before any EXPUNGE is reported."""
    view = state.mailbox
    added: dict[str, list[int]] = {}
    removed: dict[str, list[int]] = {}
    for tag, context in view.contexts.items():
        found = frozenset(await matching(state, context.key))
        added[tag] = sorted(found - context.uids)
        removed[tag] = sorted(context.uids - found)
        context.uids = found
    return added, _numbered(state, removed, b"REMOVEFROM")


def _numbered(state: SessionState, changes: dict[str, list[int]], verb: bytes) -> list[bytes]:
    view = state.mailbox
    lines = []
    for tag, uids in changes.items():
        if uids:
            context = view.contexts[tag]
            numbers = uids if context.uid else [view.seq_of(uid) for uid in uids]
            lines.append(context_update(tag, context, verb, numbers))
    return lines
