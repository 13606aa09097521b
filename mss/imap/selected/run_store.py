"""Handler of STORE and UID STORE (RFC 3501 §6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3)."""

from __future__ import annotations

from mss.imap.selected.commands_selected import Store
from mss.imap.selected.condstore import enable_condstore
from mss.imap.selected.keywords import announce_new
from mss.imap.session.state import Done, SessionState
from mss.imap.wire.codes import CANNOT, MODIFIED, NO, Code
from mss.imap.wire.errors import CommandError
from mss.imap.wire.sequence import SequenceSet
from mss.store.records import FlagMode


async def store(state: SessionState, command: Store) -> Done:
    """Change flags, then report each message's flags unless .SILENT.

    RFC 7162 §3.1.3: messages changed since UNCHANGEDSINCE are left alone and named in
    ``OK [MODIFIED set]``; with CONDSTORE on, a .SILENT store still reports the new MODSEQ.
    """
    view = state.mailbox
    if view.readonly:
        raise CommandError(NO, CANNOT, "Mailbox is read-only")
    if command.unchanged_since is not None:
        enable_condstore(state)
    uids = [
        uid for uid in view.resolve(command.sequence, uid=command.uid) if uid not in view.expunged
    ]
    updates, failed = await state.store.store_flags(
        view.mailbox.id,
        uids,
        FlagMode(command.mode),
        frozenset(command.flags),
        command.unchanged_since,
    )
    view.apply(updates)
    for line in announce_new(view):
        state.channel.send(line)
    refused = set(failed)
    changed = {update.uid for update in updates}
    for uid in uids:
        if uid in refused:
            continue
        if not command.silent:
            line = view.flags_response(uid, uid_item=command.uid, condstore=state.condstore)
            state.channel.send(line)
        elif state.condstore and uid in changed:
            entry = view.entry(uid)
            uid_item = b"UID %d " % uid if command.uid else b""
            modseq = b"MODSEQ (%d)" % entry.modseq
            state.channel.send(b"* %d FETCH (" % view.seq_of(uid) + uid_item + modseq + b")\r\n")
    code = None
    if failed:
        numbers = failed if command.uid else [view.seq_of(uid) for uid in failed]
        code = Code(MODIFIED, SequenceSet.from_numbers(numbers).to_bytes())
    return Done(f"{command.verb} completed", code)
