"""Handlers of CHECK, CLOSE, UNSELECT (RFC 3691), EXPUNGE and UID EXPUNGE (RFC 4315 §2.1).

Expunged messages are reported by the session at the end of the command (``updates``), with
any other session's expunges, so the client sees one consistent renumbering.
"""

from __future__ import annotations

from mss.imap.selected.commands_selected import Check, Close, Expunge, UidExpunge, Unselect
from mss.imap.session.state import Done, SessionState
from mss.imap.session.updates import note
from mss.imap.wire.codes import CANNOT, NO
from mss.imap.wire.errors import CommandError
from mss.imap.wire.flags import DELETED
from mss.imap.wire.sequence import SequenceSet


async def check(state: SessionState, command: Check) -> Done:
    """RFC 3501 §6.4.1: every write is already durable; nothing is left to checkpoint."""
    return Done("CHECK completed")


async def _expunge_deleted(state: SessionState, only: SequenceSet | None) -> list[int]:
    """Remove the \\Deleted messages (among the UIDs ``only`` names, for UID EXPUNGE), judged
    on flags just re-read, so a \\Deleted set by another session counts too."""
    view = state.mailbox
    if view.readonly:
        raise CommandError(NO, CANNOT, "Mailbox is read-only")
    if state.subscription is not None:
        note(state, state.subscription.pending())
    if view.dirty:
        await view.refresh(state.store)
    named = None if only is None else set(view.resolve(only, uid=True))
    chosen = [
        uid
        for uid in view.uids
        if uid not in view.expunged
        and DELETED in view.entry(uid).flags
        and (named is None or uid in named)
    ]
    return await state.store.expunge(view.mailbox.id, chosen) if chosen else []


async def expunge(state: SessionState, command: Expunge | UidExpunge) -> Done:
    """RFC 3501 §6.4.3 and RFC 4315 §2.1."""
    only = command.uids if isinstance(command, UidExpunge) else None
    removed = await _expunge_deleted(state, only)
    state.mailbox.forget(removed)
    return Done(f"{command.name} completed")


async def close(state: SessionState, command: Close) -> Done:
    """RFC 3501 §6.4.2: expunge silently unless read-only, then leave the selected state."""
    if not state.mailbox.readonly:
        await _expunge_deleted(state, None)
    state.selected = None
    return Done("CLOSE completed")


async def unselect(state: SessionState, command: Unselect) -> Done:
    """RFC 3691 §2: leave the selected state, expunging nothing."""
    state.selected = None
    return Done("UNSELECT completed")
