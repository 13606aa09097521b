"""Sequence sets (RFC 3501 §9) and their meaning against a mailbox (§6.4.8)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mss.imap.wire.errors import ParseError
from mss.imap.wire.grammar import MAX_NUMBER, Buffer
from mss.imap.wire.sequence import SeqRange, SequenceSet, sequence_set


def parse(text: bytes) -> SequenceSet:
    value, rest = sequence_set(Buffer.from_line(text))
    assert rest.at_end()
    return value


def test_rfc3501_example() -> None:
    # RFC 3501 §9: "2,4:7,9,12:*" is 2,4,5,6,7,9,12,13,14,15 for a mailbox with 15 messages.
    numbers = parse(b"2,4:7,9,12:*")
    assert list(numbers.iter(15)) == [2, 4, 5, 6, 7, 9, 12, 13, 14, 15]
    assert str(numbers) == "2,4:7,9,12:*"


def test_ranges_in_any_order() -> None:
    # RFC 3501 §9: "*:4" and "4:*" are the same set, as are "7:2" and "2:7".
    assert list(parse(b"*:4").iter(6)) == [4, 5, 6]
    assert list(parse(b"7:2").iter(10)) == [2, 3, 4, 5, 6, 7]


def test_uid_range_beyond_the_largest_includes_the_largest() -> None:
    # RFC 3501 §6.4.8: "559:*" includes the largest UID even when it is below 559.
    assert parse(b"559:*").intervals(500) == [(500, 559)]
    assert parse(b"559:*").contains(500, 500)


def test_overlapping_ranges_merge_and_numbers_come_once() -> None:
    assert parse(b"5:7,1:3,2,6:9").intervals(100) == [(1, 3), (5, 9)]
    assert list(parse(b"3,3,3").iter(10)) == [3]


def test_star_alone_and_empty_mailbox() -> None:
    assert list(parse(b"*").iter(42)) == [42]
    assert list(parse(b"1:*").iter(0)) == []


def test_from_numbers_compacts_runs() -> None:
    assert str(SequenceSet.from_numbers([304, 319, 320, 3, 1, 2])) == "1:3,304,319:320"
    assert str(SequenceSet.from_numbers([])) == ""


@pytest.mark.parametrize("text", [b"0", b"1:0", b"4294967296", b"1,", b"1::2", b",1", b"a"])
def test_malformed_sets(text: bytes) -> None:
    with pytest.raises(ParseError):
        parse(text)


numbers = st.integers(min_value=1, max_value=MAX_NUMBER)
bounds = st.one_of(st.none(), numbers)
ranges = st.builds(SeqRange, bounds, bounds)


@given(st.lists(ranges, min_size=1, max_size=20))
def test_sequence_sets_round_trip(found: list[SeqRange]) -> None:
    value = SequenceSet(tuple(found))
    assert parse(value.to_bytes()) == value


@given(st.sets(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=200))
def test_from_numbers_holds_exactly_the_numbers(chosen: set[int]) -> None:
    value = SequenceSet.from_numbers(chosen)
    assert set(value.iter(10_000)) == chosen
    assert parse(value.to_bytes()) == value
