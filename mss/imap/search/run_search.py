"""Handler of SEARCH and UID SEARCH (RFC 3501 §6.4.4), with ESEARCH results (RFC 4731) and
MODSEQ (RFC 7162 §3.1.5).

Implementation notes. Keys on metadata run on the session's view without touching the store.
Header keys read each message's summary, BODY and TEXT its content too, in batches through the
session's reader (mss/reading: the mailbox's encrypted index), and look at the decoded text of
every text part, encapsulated messages included.
"""

from __future__ import annotations

from collections.abc import Callable

from mss.imap.search.contexts import SearchContext
from mss.imap.search.parse_search import SearchAnd, SearchKey, SearchModSeq, SearchNot, SearchOr
from mss.imap.search.search_eval import SearchScope, SearchTarget, matches, needs
from mss.imap.selected.commands_selected import (
    ALL,
    COUNT,
    MAX,
    MIN,
    PARTIAL,
    SAVE,
    UPDATE,
    CancelUpdate,
    Search,
)
from mss.imap.selected.condstore import enable_condstore
from mss.imap.selected.reading import reader_of
from mss.imap.session.state import Done, SessionState
from mss.imap.wire.encode import string, untagged
from mss.imap.wire.sequence import SequenceSet
from mss.mailcrypto import MessageSummary
from mss.mime import iter_text

BATCH = 200


def _uses_modseq(key: SearchKey) -> bool:
    """Whether MODSEQ appears in the key, which changes the response (RFC 7162 §3.1.5)."""
    match key:
        case SearchModSeq():
            return True
        case SearchNot(key=inner):
            return _uses_modseq(inner)
        case SearchOr(left=left, right=right):
            return _uses_modseq(left) or _uses_modseq(right)
        case SearchAnd(keys=keys):
            return any(_uses_modseq(inner) for inner in keys)
    return False


async def matching(state: SessionState, key: SearchKey) -> list[int]:
    """The UIDs of the messages that match, in sequence order (not-yet-reported expunges left
    out: their content is gone)."""
    view = state.mailbox
    scope = SearchScope(view.exists, view.largest_uid, view.saved)
    wanted = needs(key)
    candidates = [uid for uid in view.uids if uid not in view.expunged]
    found: list[int] = []
    reader = reader_of(state) if wanted.header or wanted.body else None
    for start in range(0, len(candidates), BATCH):
        batch = candidates[start : start + BATCH]
        summaries: dict[int, MessageSummary] = {}
        contents: dict[int, bytes] = {}
        if reader is not None and wanted.body:
            read = await reader.contents(batch)
            summaries = {uid: message.summary for uid, (message, _) in read.items()}
            contents = {uid: raw for uid, (_, raw) in read.items()}
        elif reader is not None:
            opened = await reader.messages(batch)
            summaries = {uid: message.summary for uid, message in opened.items()}
        for uid in batch:
            entry = view.entry(uid)
            header: bytes = b""
            texts: tuple[str, ...] = ()
            date, size = entry.internal_date, entry.size
            summary = summaries.get(uid)
            if summary is not None:
                header, date, size = summary.header, summary.internal_date, summary.size
                if uid in contents:
                    texts = tuple(iter_text(contents[uid], summary.structure))
            target = SearchTarget(
                view.seq_of(uid), uid, view.flags_of(uid), date, size,
                entry.modseq, header, texts,
            )  # fmt: skip
            if matches(key, target, scope):
                found.append(uid)
    if reader is not None:
        await reader.save(view.uids)
    return found


async def search(state: SessionState, command: Search) -> Done:
    """``* SEARCH n...`` or, with RETURN, ``* ESEARCH (TAG "t") [UID] MIN .. MAX .. COUNT ..``."""
    view = state.mailbox
    with_modseq = _uses_modseq(command.key)
    if with_modseq:
        enable_condstore(state)
    uids = await matching(state, command.key)
    numbers = uids if command.uid else [view.seq_of(uid) for uid in uids]
    highest = max((view.entry(uid).modseq for uid in _reported(command, uids)), default=0)
    if command.results is None:
        line = b"SEARCH" + b"".join(b" %d" % n for n in numbers)
        if with_modseq and numbers:
            line += b" (MODSEQ %d)" % highest
        state.channel.send(untagged(line))
        return Done(f"{command.verb} completed")
    if SAVE in command.results:
        view.saved = frozenset(saved_messages(command.results, uids))
    if UPDATE in command.results:
        view.contexts[command.tag] = SearchContext(command.key, command.uid, frozenset(uids))
    # RFC 5182 §2.4: SAVE alone asks for no ESEARCH response.
    if command.results != {SAVE}:
        state.channel.send(untagged(b"ESEARCH", *_esearch(command, numbers, with_modseq, highest)))
    return Done(f"{command.verb} completed")


async def cancel_update(state: SessionState, command: CancelUpdate) -> Done:
    """RFC 5267 §4.3: no more updates for the searches of those tags."""
    for tag in command.tags:
        state.mailbox.contexts.pop(tag, None)
    return Done("CANCELUPDATE completed")


def _ascending(numbers: list[int]) -> bytes:
    return SequenceSet.from_numbers(numbers).to_bytes()


def partial_result(
    window: tuple[int, int],
    numbers: list[int],
    render: Callable[[list[int]], bytes] = _ascending,
) -> bytes:
    """RFC 5267 §4.4 ``PARTIAL (low:high set)``: the results at positions low to high (from 1)
    in the order answered (``render`` keeps a SORT's order), NIL when there are none."""
    low, high = window
    chosen = numbers[low - 1 : high]
    found = render(chosen) if chosen else b"NIL"
    return b"PARTIAL (%d:%d %s)" % (low, high, found)


def saved_messages(results: frozenset[str], uids: list[int]) -> list[int]:
    """RFC 5182 §2.4: SAVE with only MIN and/or MAX keeps just those messages; otherwise (with
    ALL, COUNT, or alone) it keeps every match. ``uids`` in the order the client is answered."""
    if not uids or results & {ALL, COUNT} or not results & {MIN, MAX}:
        return uids
    return ([min(uids)] if MIN in results else []) + ([max(uids)] if MAX in results else [])


def _reported(command: Search, uids: list[int]) -> list[int]:
    """The messages whose MODSEQ counts: RFC 7162 §3.1.5 takes the highest of the messages
    returned, so a RETURN (MIN/MAX) alone reports only the first and last matches' MODSEQ."""
    results = None if command.results is None else command.results - {SAVE}
    if not results or not uids or not results <= {MIN, MAX}:
        return uids
    return ([uids[0]] if MIN in results else []) + ([uids[-1]] if MAX in results else [])


def _esearch(command: Search, numbers: list[int], with_modseq: bool, highest: int) -> list[bytes]:
    """RFC 4731 §3.1: search-correlator, UID, then only the results asked for."""
    results = command.results or frozenset()
    parts = [b"(TAG " + string(command.tag) + b")"]
    if command.uid:
        parts.append(b"UID")
    if numbers and MIN in results:
        parts.append(b"MIN %d" % min(numbers))
    if numbers and MAX in results:
        parts.append(b"MAX %d" % max(numbers))
    if numbers and ALL in results:
        parts.append(b"ALL " + SequenceSet.from_numbers(numbers).to_bytes())
    if COUNT in results:
        parts.append(b"COUNT %d" % len(numbers))
    if command.partial is not None and PARTIAL in results:
        parts.append(partial_result(command.partial, numbers))
    if with_modseq and numbers:
        parts.append(b"MODSEQ %d" % highest)  # RFC 7162 §3.1.5
    return parts
