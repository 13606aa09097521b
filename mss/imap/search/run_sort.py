"""Handlers of SORT (RFC 5256 §3, with ESORT, RFC 5267 §3.2) and THREAD (RFC 5256 §3).

Implementation notes. The messages are chosen by the SEARCH machinery; their summaries are then
opened in batches on the reading pool and reduced to the few keys sorted on. Ties between equal
keys fall to the sequence number (RFC 5256 §3), which, UIDs ascending with it, is also the UID
order.
"""

from __future__ import annotations

from collections.abc import Callable

from mss.imap.search.commands_sort import Sort, SortCriterion, Thread
from mss.imap.search.run_search import matching, partial_result
from mss.imap.search.sort_facts import SortFacts, sort_facts
from mss.imap.search.threads import ordered_subject, references, render
from mss.imap.selected.commands_selected import ALL, COUNT, MAX, MIN, PARTIAL
from mss.imap.selected.reading import reader_of
from mss.imap.session.state import Done, SessionState
from mss.imap.wire.encode import string, untagged

BATCH = 500

_KEYS: dict[str, Callable[[SortFacts], str | int | float]] = {
    "ARRIVAL": lambda m: m.arrival,
    "CC": lambda m: m.cc,
    "DATE": lambda m: m.sent,
    "FROM": lambda m: m.from_,
    "SIZE": lambda m: m.size,
    "SUBJECT": lambda m: m.subject,
    "TO": lambda m: m.to,
    "DISPLAYFROM": lambda m: m.display_from,
    "DISPLAYTO": lambda m: m.display_to,
}


async def _facts(state: SessionState, uids: list[int]) -> list[SortFacts]:
    """The sort keys of the messages ``uids``, in the order given."""
    view = state.mailbox
    found: list[SortFacts] = []
    for start in range(0, len(uids), BATCH):
        batch = uids[start : start + BATCH]
        opened = await reader_of(state).messages(batch)
        for uid in batch:
            entry = view.entry(uid)
            summary = opened[uid].summary if uid in opened else None
            found.append(
                sort_facts(
                    view.seq_of(uid),
                    uid,
                    summary.header if summary is not None else b"",
                    summary.internal_date if summary is not None else entry.internal_date,
                    summary.size if summary is not None else entry.size,
                )
            )
    await reader_of(state).save(view.uids)
    return found


def sort_messages(messages: list[SortFacts], criteria: tuple[SortCriterion, ...]) -> list[int]:
    """Sequence numbers ordered by ``criteria``; the last tie-breaker is the sequence number.

    Python's sort is stable, so sorting by each criterion from the last to the first gives the
    lexicographic order, each criterion in its own direction (REVERSE, RFC 5256 §3).
    """
    ordered = sorted(messages, key=lambda m: m.seq)
    for criterion in reversed(criteria):
        ordered.sort(key=_KEYS[criterion.key], reverse=criterion.reverse)
    return [m.seq for m in ordered]


def _ordered_set(numbers: list[int]) -> bytes:
    """RFC 5267 §3.2 ALL: the numbers in sort order as a sequence-set, runs of consecutive
    ascending numbers written as ranges."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return b",".join(b"%d" % a if a == b else b"%d:%d" % (a, b) for a, b in runs)


async def sort(state: SessionState, command: Sort) -> Done:
    """``* SORT n...`` or, with RETURN, ``* ESEARCH (TAG "t") [UID] ...`` in sort order."""
    messages = await _facts(state, await matching(state, command.key))
    seqs = sort_messages(messages, command.criteria)
    by_seq = {m.seq: m.uid for m in messages}
    numbers = [by_seq[seq] for seq in seqs] if command.uid else seqs
    if command.results is None:
        state.channel.send(untagged(b"SORT" + b"".join(b" %d" % n for n in numbers)))
    else:
        parts = [b"(TAG " + string(command.tag) + b")"] + ([b"UID"] if command.uid else [])
        if numbers and MIN in command.results:
            parts.append(b"MIN %d" % numbers[0])
        if numbers and MAX in command.results:
            parts.append(b"MAX %d" % numbers[-1])
        if numbers and ALL in command.results:
            parts.append(b"ALL " + _ordered_set(numbers))
        if COUNT in command.results:
            parts.append(b"COUNT %d" % len(numbers))
        if command.partial is not None and PARTIAL in command.results:
            parts.append(partial_result(command.partial, numbers, _ordered_set))
        state.channel.send(untagged(b"ESEARCH", *parts))
    return Done(f"{command.verb} completed")


async def thread(state: SessionState, command: Thread) -> Done:
    """``* THREAD (1 2)(3 (4)(5))`` (RFC 5256 §4)."""
    messages = await _facts(state, await matching(state, command.key))
    build = ordered_subject if command.algorithm == "ORDEREDSUBJECT" else references
    roots = build(messages)
    line = b"THREAD" + (b" " + render(roots, command.uid) if roots else b"")
    state.channel.send(untagged(line))
    return Done(f"{command.verb} completed")
