"""Sequence sets: ``2,4:7,9,12:*`` (RFC 3501 §9 sequence-set).

A set is kept as the client wrote it (ranges in order, ``*`` unresolved), so it prints back the
same; it is resolved against a mailbox only when a command runs, because ``*`` means "the
largest number in use" at that moment (RFC 3501 §6.4.8 for UIDs, §9 for sequence numbers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mss.imap.wire.grammar import MAX_NUMBER, Buffer

_SET = re.compile(rb"(?:[0-9]+|\*)(?::(?:[0-9]+|\*))?(?:,(?:[0-9]+|\*)(?::(?:[0-9]+|\*))?)*")


@dataclass(frozen=True, slots=True)
class SeqRange:
    """``first:last`` in either order; ``None`` stands for ``*``; ``n`` alone is ``n:n``."""

    first: int | None
    last: int | None

    def bounds(self, largest: int) -> tuple[int, int]:
        """The range as ``(low, high)`` once ``*`` is known.

        RFC 3501 §9: "4:2" is the same as "2:4"; and §6.4.8: "559:*" includes the largest UID
        even when 559 is larger, which ordering the bounds gives for free.
        """
        first = largest if self.first is None else self.first
        last = largest if self.last is None else self.last
        return (first, last) if first <= last else (last, first)

    def __str__(self) -> str:
        first = "*" if self.first is None else str(self.first)
        if self.first == self.last:
            return first
        return first + ":" + ("*" if self.last is None else str(self.last))


@dataclass(frozen=True, slots=True)
class SequenceSet:
    """A sequence-set as sent, and its meaning once the largest number in use is known.

    ``saved`` is RFC 5182's ``$``: the messages the last SEARCH ... RETURN (SAVE) found; it has
    no ranges, and the selected view resolves it.
    """

    ranges: tuple[SeqRange, ...]
    saved: bool = False

    @classmethod
    def from_numbers(cls, numbers: Iterable[int]) -> SequenceSet:
        """The shortest set of runs holding exactly ``numbers`` (for COPYUID, VANISHED, ALL)."""
        ranges: list[SeqRange] = []
        for value in sorted(set(numbers)):
            last = ranges[-1] if ranges else None
            if last is not None and last.last is not None and last.last + 1 == value:
                ranges[-1] = SeqRange(last.first, value)
            else:
                ranges.append(SeqRange(value, value))
        return cls(tuple(ranges))

    def intervals(self, largest: int) -> list[tuple[int, int]]:
        """Sorted, merged ``(low, high)`` intervals; ``*`` resolved to ``largest``."""
        merged: list[tuple[int, int]] = []
        for low, high in sorted(r.bounds(largest) for r in self.ranges):
            if merged and low <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        return merged

    def contains(self, value: int, largest: int) -> bool:
        """Whether ``value`` is in the set when ``*`` is ``largest``."""
        return any(low <= value <= high for low, high in (r.bounds(largest) for r in self.ranges))

    def iter(self, largest: int) -> Iterator[int]:
        """Every number of the set in ascending order, each once, none above ``largest``.

        Sequence numbers above the mailbox's size do not exist; callers check that bound where
        RFC 3501 §9 makes it an error (sequence numbers) and ignore it where it is not (UIDs).
        """
        for low, high in self.intervals(largest):
            yield from range(max(low, 1), min(high, largest) + 1)

    def __str__(self) -> str:
        return "$" if self.saved else ",".join(str(r) for r in self.ranges)

    def to_bytes(self) -> bytes:
        """Wire form."""
        return str(self).encode("ascii")


def _bound(text: bytes, buf: Buffer) -> int | None:
    """RFC 3501 §9 seq-number = nz-number / "*" (None)."""
    if text == b"*":
        return None
    if len(text) > 10 or not 0 < int(text) <= MAX_NUMBER:
        raise buf.error("Sequence numbers run from 1 to 4294967295")
    return int(text)


def sequence_set(buf: Buffer) -> tuple[SequenceSet, Buffer]:
    """RFC 3501 §9 sequence-set = (seq-number / seq-range) *("," sequence-set), or RFC 5182 §3
    seq-last-command = "$" alone."""
    if buf.peek() == b"$":
        rest = buf.skip(1)
        if rest.peek() in (b",", b":"):
            raise rest.error("Malformed sequence set")
        return SequenceSet((), saved=True), rest
    match = buf.match(_SET)
    if match is None:
        raise buf.error("Expected a sequence set")
    ranges: list[SeqRange] = []
    for item in match.group().split(b","):
        first, _, last = item.partition(b":")
        low = _bound(first, buf)
        ranges.append(SeqRange(low, _bound(last, buf) if last else low))
    rest = buf.after(match)
    if rest.peek() in (b",", b":"):
        raise rest.error("Malformed sequence set")
    return SequenceSet(tuple(ranges)), rest
