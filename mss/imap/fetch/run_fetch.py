"""Handler of FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8) with CHANGEDSINCE and VANISHED
(RFC 7162 §3.1.4.1, §3.2.6).

Implementation notes. Messages are read through the session's reader (mss/reading: the
mailbox's encrypted index, contents one query per batch, decrypted off the event loop) in
batches, the next batch read while this one is sent, so memory stays bounded whatever the set and
BODY[] streams as it is decrypted.
"""

from __future__ import annotations

import asyncio
import contextlib

from mss.imap.fetch.fetch_render import FetchSource, needs_content, needs_summary, render
from mss.imap.fetch.parse_fetch import FLAGS, MODSEQ, UID, FetchItem
from mss.imap.selected.commands_selected import Fetch
from mss.imap.selected.condstore import enable_condstore
from mss.imap.selected.reading import reader_of
from mss.imap.session.state import Done, SessionState
from mss.imap.wire.codes import BAD, EXPUNGEISSUED, NO
from mss.imap.wire.encode import fetch_response, untagged
from mss.imap.wire.errors import CommandError
from mss.imap.wire.flags import SEEN
from mss.imap.wire.sequence import SequenceSet
from mss.store.records import FlagMode

# Messages read per round; with contents, at most this many messages and about this many octets
# per round (one content query each).
BATCH = 500
CONTENT_BATCH = 64
CONTENT_OCTETS = 2 * 1024 * 1024


def _items(state: SessionState, command: Fetch) -> list[FetchItem]:
    """The items to send: those asked for, and those the RFCs add."""
    items = list(command.items)
    names = {item.name for item in items if item.section is None}
    if command.uid and UID not in names:
        items.insert(0, FetchItem(UID))  # RFC 3501 §6.4.8: UID FETCH always returns the UID
    if MODSEQ in names or command.changed_since is not None:
        enable_condstore(state)  # RFC 7162 §3.1: CONDSTORE enabling commands
    wants_modseq = command.changed_since is not None or (state.condstore and FLAGS in names)
    if wants_modseq and MODSEQ not in names:
        items.append(FetchItem(MODSEQ))  # RFC 7162 §3.1.4.1
    return items


async def _mark_seen(state: SessionState, uids: list[int]) -> set[int]:
    """RFC 3501 §6.4.5: fetching a body sets \\Seen; the flags then go back with the data."""
    view = state.mailbox
    unseen = [uid for uid in uids if SEEN not in view.entry(uid).flags]
    if not unseen:
        return set()
    updates, _ = await state.store.store_flags(
        view.mailbox.id, unseen, FlagMode.ADD, frozenset({SEEN})
    )
    view.apply(updates)
    return {update.uid for update in updates}


async def _sources(
    state: SessionState, batch: list[int], *, summary: bool, content: bool
) -> list[FetchSource | None]:
    """The messages of ``batch`` as FETCH reads them (mss/reading); None for one expunged
    meanwhile."""
    view = state.mailbox
    if not (summary or content):
        return [FetchSource(view.entry(uid), view.flags_of(uid)) for uid in batch]
    reader = reader_of(state)
    sources: list[FetchSource | None] = []
    if content:
        read = await reader.contents(batch)
        for uid in batch:
            found = read.get(uid)
            sources.append(
                None
                if found is None  # expunged between reading the index and the messages
                else FetchSource(view.entry(uid), view.flags_of(uid), None, found[1], found[0])
            )
        return sources
    opened = await reader.messages(batch)
    for uid in batch:
        message = opened.get(uid)
        sources.append(
            None
            if message is None
            else FetchSource(view.entry(uid), view.flags_of(uid), indexed=message)
        )
    return sources


def _batches(state: SessionState, uids: list[int], content: bool) -> list[list[int]]:
    """``uids`` cut in batches: BATCH messages, or with contents at most CONTENT_BATCH messages
    and about CONTENT_OCTETS (by the rows' clear sizes), bounding the bodies held at once."""
    if not content:
        return [uids[start : start + BATCH] for start in range(0, len(uids), BATCH)]
    view = state.mailbox
    batches: list[list[int]] = []
    current: list[int] = []
    octets = 0
    for uid in uids:
        size = view.entry(uid).size
        if current and (len(current) >= CONTENT_BATCH or octets + size > CONTENT_OCTETS):
            batches.append(current)
            current, octets = [], 0
        current.append(uid)
        octets += size
    if current:
        batches.append(current)
    return batches


async def fetch(state: SessionState, command: Fetch) -> Done:
    """Send one FETCH response per message, in sequence order."""
    view = state.mailbox
    uids = view.resolve(command.sequence, uid=command.uid)
    items = _items(state, command)
    if command.changed_since is not None:
        uids = [uid for uid in uids if view.entry(uid).modseq > command.changed_since]
    if command.vanished and command.changed_since is not None:
        if not state.qresync:
            raise CommandError(BAD, None, "QRESYNC is not enabled")  # RFC 7162 §3.2.6
        await _vanished(state, command.sequence, command.changed_since)
    missing = [uid for uid in uids if uid in view.expunged]
    uids = [uid for uid in uids if uid not in view.expunged]
    flagged: set[int] = set()
    if not view.readonly and any(item.sets_seen() for item in items):
        flagged = await _mark_seen(state, uids)
    summary, content = needs_summary(items), needs_content(items)
    batches = _batches(state, uids, content)
    # The next batch is read and decrypted (on the opening threads) while this one is encoded
    # and sent: at most two batches are in memory at once.
    ahead = _prepare(state, batches, 0, summary=summary, content=content)
    try:
        for index, batch in enumerate(batches):
            sources = await ahead
            ahead = _prepare(state, batches, index + 1, summary=summary, content=content)
            for uid, source in zip(batch, sources, strict=True):
                if source is None:
                    missing.append(uid)  # expunged since the view was last refreshed
                    continue
                pairs = [(item.response_name(), render(item, source)) for item in items]
                if uid in flagged and not any(item.name == FLAGS for item in items):
                    pairs.append((b"FLAGS", render(FetchItem(FLAGS), source)))
                state.channel.send(fetch_response(view.seq_of(uid), pairs))
            await state.channel.flush()
    finally:
        if not ahead.done():
            ahead.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ahead
        elif not ahead.cancelled():
            ahead.exception()  # retrieved: an error already on its way out is the one reported
    if summary or content:
        await reader_of(state).save(view.uids)
    if missing:
        # RFC 5530 §3 EXPUNGEISSUED, as RFC 2180 §4.1.2 suggests for vanished messages.
        raise CommandError(NO, EXPUNGEISSUED, "Some of the requested messages no longer exist")
    return Done(f"{command.verb} completed")


def _prepare(
    state: SessionState, batches: list[list[int]], index: int, *, summary: bool, content: bool
) -> asyncio.Future[list[FetchSource | None]]:
    """Start reading batch ``index`` (an empty result past the last one)."""
    if index >= len(batches):
        done: asyncio.Future[list[FetchSource | None]] = asyncio.get_running_loop().create_future()
        done.set_result([])
        return done
    return asyncio.ensure_future(_sources(state, batches[index], summary=summary, content=content))


async def _vanished(state: SessionState, requested: SequenceSet, since: int) -> None:
    """RFC 7162 §3.2.6: the UIDs in the requested set expunged after ``since``."""
    view = state.mailbox
    gone = await state.store.vanished_since(view.mailbox.id, since)
    largest = max(view.largest_uid, view.mailbox.uidnext - 1)
    chosen = [uid for uid in gone if requested.contains(uid, largest)]
    if chosen:
        numbers = SequenceSet.from_numbers(chosen).to_bytes()
        state.channel.send(untagged(b"VANISHED (EARLIER)", numbers))
