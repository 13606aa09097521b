"""Handlers of COPY, UID COPY (RFC 3501 §6.4.7), MOVE and UID MOVE (RFC 6851), with COPYUID
(RFC 4315 §3).

The store copies by sharing the encrypted content between the two rows, and moves in one
transaction, so a MOVE never loses or doubles a message (RFC 6851 §3.3).
"""

from __future__ import annotations

from mss.imap.selected.commands_selected import Copy, Move
from mss.imap.session.state import Done, SessionState
from mss.imap.wire.codes import CANNOT, COPYUID, NO, OK, TRYCREATE, Code
from mss.imap.wire.encode import untagged_status
from mss.imap.wire.errors import CommandError
from mss.imap.wire.sequence import SequenceSet


def _copyuid(uidvalidity: int, pairs: list[tuple[int, int]]) -> Code:
    """RFC 4315 §3: ``COPYUID uidvalidity source-uids destination-uids``, in matching order."""
    sources = SequenceSet.from_numbers(source for source, _ in pairs).to_bytes()
    targets = SequenceSet.from_numbers(target for _, target in pairs).to_bytes()
    return Code(COPYUID, b"%d " % uidvalidity + sources + b" " + targets)


async def copy(state: SessionState, command: Copy | Move) -> Done:
    """Copy (or move) the messages named; the target must exist (NO [TRYCREATE] otherwise)."""
    view = state.mailbox
    moving = isinstance(command, Move)
    if moving and view.readonly:
        raise CommandError(NO, CANNOT, "Mailbox is read-only")
    resolved = view.resolve(command.sequence, uid=command.uid)
    uids = [uid for uid in resolved if uid not in view.expunged]
    target = await state.store.get_mailbox(state.account.account.id, command.mailbox)
    if target is None:
        raise CommandError(NO, TRYCREATE, "No such mailbox")
    verb = command.verb
    if not uids:
        return Done(f"{verb} completed")
    transfer = state.store.move if moving else state.store.copy
    pairs, uidvalidity = await transfer(view.mailbox.id, uids, target.id)
    if target.id == view.mailbox.id:
        view.dirty = True
    code = _copyuid(uidvalidity, pairs) if pairs else None
    if not moving:
        return Done(f"{verb} completed", code)
    # RFC 6851 §4.3: COPYUID goes in an untagged OK before the expunges, which the session
    # sends at the end of the command.
    if code is not None:
        state.channel.send(untagged_status(OK, "Moved", code))
    view.forget(source for source, _ in pairs)
    return Done(f"{verb} completed")
