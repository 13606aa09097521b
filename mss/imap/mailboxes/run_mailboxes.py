"""Handlers of the mailbox commands: SELECT, EXAMINE (with CONDSTORE and QRESYNC, RFC 7162),
CREATE (with USE, RFC 6154), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE and STATUS."""

from __future__ import annotations

from mss.imap.mailboxes.commands_auth import (
    Create,
    Delete,
    QresyncParams,
    Rename,
    Select,
    Status,
    Subscribe,
    Unsubscribe,
)
from mss.imap.mailboxes.names import ancestors, has_children, validate
from mss.imap.selected.condstore import enable_condstore
from mss.imap.selected.keywords import announce_all
from mss.imap.selected.selected import SelectedMailbox
from mss.imap.session.state import Done, SessionState
from mss.imap.wire import flags as system
from mss.imap.wire.codes import (
    ALREADYEXISTS,
    BAD,
    CANNOT,
    CAP_CONDSTORE,
    CLOSED,
    HIGHESTMODSEQ,
    NO,
    NONEXISTENT,
    OK,
    READ_ONLY,
    READ_WRITE,
    UIDNEXT,
    UIDVALIDITY,
    UNSEEN,
    USEATTR,
    Code,
)
from mss.imap.wire.encode import mailbox_name, plist, untagged, untagged_status
from mss.imap.wire.errors import CommandError
from mss.imap.wire.mailbox import INBOX
from mss.imap.wire.sequence import SequenceSet
from mss.store.errors import AlreadyExists
from mss.store.records import Mailbox, SpecialUse


async def find(state: SessionState, name: str) -> Mailbox:
    """The account's mailbox called ``name``, or NO [NONEXISTENT] (RFC 5530 §3)."""
    found = await state.store.get_mailbox(state.account.account.id, name)
    if found is None:
        raise CommandError(NO, NONEXISTENT, "No such mailbox")
    return found


def _qresync_lines(
    view: SelectedMailbox, params: QresyncParams, vanished: list[int]
) -> list[bytes]:
    """RFC 7162 §3.2.5.1: what changed since the client's MODSEQ, when UIDVALIDITY still holds.

    Expunged UIDs go in one ``VANISHED (EARLIER)``, limited to the UIDs the client says it
    knows; changed messages get a FETCH each with their UID, flags and MODSEQ.
    """
    if params.uidvalidity != view.mailbox.uidvalidity:
        return []
    known = params.known_uids
    if known is not None:
        vanished = [uid for uid in vanished if known.contains(uid, view.largest_uid)]
    lines = []
    if vanished:
        lines.append(untagged(b"VANISHED (EARLIER)", SequenceSet.from_numbers(vanished).to_bytes()))
    for uid in view.uids:
        if view.entry(uid).modseq > params.modseq:
            lines.append(view.flags_response(uid, uid_item=True, condstore=True))
    return lines


async def select(state: SessionState, command: Select) -> Done:
    """RFC 3501 §6.3.1 and §6.3.2; a failed SELECT leaves no mailbox selected."""
    if state.selected is not None:
        state.selected = None
        if state.qresync:
            # RFC 7162 §3.2.11: the client learns where the old mailbox's responses end.
            state.channel.send(untagged_status(OK, "Previous mailbox closed", CLOSED))
    if command.qresync is not None and not state.qresync:
        raise CommandError(BAD, None, "QRESYNC is not enabled")
    if command.condstore:
        state.enabled.add(CAP_CONDSTORE)  # RFC 7162 §3.1: a CONDSTORE enabling command
    record = await find(state, command.mailbox)
    # The record was just read: a snapshot as new as its HIGHESTMODSEQ is as new as the store.
    cache = state.services.snapshots
    snapshot = await cache.get(state.store, record, record.highestmodseq)
    view = SelectedMailbox(
        record, snapshot, readonly=command.readonly, recent=state.services.recent, cache=cache
    )
    await view.claim_recent()
    uidnext = max(record.uidnext, view.largest_uid + 1)
    send = state.channel.send
    send(untagged(b"%d" % view.exists, b"EXISTS"))
    send(untagged(b"%d" % len(view.recent), b"RECENT"))
    unseen = view.first_unseen(system.SEEN)
    if unseen is not None:
        send(untagged_status(OK, "First unseen", Code(UNSEEN, b"%d" % unseen)))
    send(untagged_status(OK, "UIDs valid", Code(UIDVALIDITY, b"%d" % record.uidvalidity)))
    send(untagged_status(OK, "Predicted next UID", Code(UIDNEXT, b"%d" % uidnext)))
    for line in announce_all(view):
        send(line)
    send(untagged_status(OK, "Highest", Code(HIGHESTMODSEQ, b"%d" % record.highestmodseq)))
    if command.qresync is not None:
        vanished = await state.store.vanished_since(record.id, command.qresync.modseq)
        for line in _qresync_lines(view, command.qresync, vanished):
            send(line)
    state.selected = view
    code = READ_ONLY if command.readonly else READ_WRITE
    return Done(f"{command.name} completed", code)


def _special_use(uses: tuple[str, ...]) -> str | None:
    """RFC 6154 §3: one of the attributes the store supports, or NO [USEATTR]."""
    if not uses:
        return None
    known = {use.value.upper(): use.value for use in SpecialUse}
    if len(uses) > 1 or uses[0].upper() not in known:
        raise CommandError(NO, USEATTR, "Unsupported special-use attribute")
    return known[uses[0].upper()]


async def _create_ancestors(state: SessionState, name: str) -> None:
    """RFC 3501 §6.3.3: superior names a new name needs are created with it."""
    account_id = state.account.account.id
    for parent in ancestors(name):
        if await state.store.get_mailbox(account_id, parent) is None:
            try:
                await state.store.create_mailbox(account_id, parent)
            except AlreadyExists:
                continue


async def create(state: SessionState, command: Create) -> Done:
    """RFC 3501 §6.3.3 and RFC 6154 §3."""
    name = validate(command.mailbox)
    if name == INBOX:
        raise CommandError(NO, ALREADYEXISTS, "INBOX always exists")
    special_use = _special_use(command.special_use)
    await _create_ancestors(state, name)
    await state.store.create_mailbox(state.account.account.id, name, special_use)
    return Done("CREATE completed")


async def delete(state: SessionState, command: Delete) -> Done:
    """RFC 3501 §6.3.4: INBOX stays; a name with inferiors is refused rather than emptied."""
    if command.mailbox == INBOX:
        raise CommandError(NO, CANNOT, "INBOX cannot be deleted")
    await find(state, command.mailbox)
    names = {box.name for box in await state.store.list_mailboxes(state.account.account.id)}
    if has_children(command.mailbox, names):
        raise CommandError(NO, CANNOT, "Mailbox has inferiors; delete them first")
    await state.store.delete_mailbox(state.account.account.id, command.mailbox)
    return Done("DELETE completed")


async def rename(state: SessionState, command: Rename) -> Done:
    """RFC 3501 §6.3.5: inferiors follow; renaming INBOX moves its messages to a new mailbox."""
    new = validate(command.new)
    await find(state, command.old)
    if new == INBOX:
        raise CommandError(NO, ALREADYEXISTS, "INBOX always exists")
    await _create_ancestors(state, new)
    await state.store.rename_mailbox(state.account.account.id, command.old, new)
    return Done("RENAME completed")


async def subscribe(state: SessionState, command: Subscribe | Unsubscribe) -> Done:
    """RFC 3501 §6.3.6 and §6.3.7: the list holds names, not mailboxes.

    SUBSCRIBE checks the mailbox exists (the MAY of §6.3.6, which catches typing errors);
    UNSUBSCRIBE does not, so that the name of a deleted mailbox can still leave the list.
    """
    wanted = isinstance(command, Subscribe)
    if wanted:
        await find(state, command.mailbox)
    await state.store.set_subscribed(state.account.account.id, command.mailbox, wanted)
    return Done(f"{command.name} completed")


async def status_values(state: SessionState, record: Mailbox, items: tuple[str, ...]) -> bytes:
    """RFC 3501 §7.2.4 status-att-list, shared by STATUS and LIST-STATUS (RFC 5819)."""
    messages = unseen = 0
    if {"MESSAGES", "UNSEEN"} & set(items):
        messages, unseen = await state.store.mailbox_counts(record.id)
    recent = 0
    if "RECENT" in items:
        recent = await state.services.recent.count(record.id, record.uidnext)
    values = {
        "MESSAGES": messages,
        "UNSEEN": unseen,
        "RECENT": recent,
        "UIDNEXT": record.uidnext,
        "UIDVALIDITY": record.uidvalidity,
        "HIGHESTMODSEQ": record.highestmodseq,
    }
    return plist(item.encode("ascii") + b" %d" % values[item] for item in items)


async def status(state: SessionState, command: Status) -> Done:
    """RFC 3501 §6.3.10; asking for HIGHESTMODSEQ enables CONDSTORE (RFC 7162 §3.1)."""
    record = await find(state, command.mailbox)
    if "HIGHESTMODSEQ" in command.items:
        enable_condstore(state)
    values = await status_values(state, record, command.items)
    state.channel.send(untagged(b"STATUS", mailbox_name(record.name, utf8=state.utf8), values))
    return Done("STATUS completed")
