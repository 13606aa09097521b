"""date and date-time (RFC 3501 §9)."""

from __future__ import annotations

import datetime

import pytest

from mss.imap.wire.dates import date, date_time, format_date_time
from mss.imap.wire.errors import ParseError
from mss.imap.wire.grammar import Buffer


def test_search_dates_quoted_or_not() -> None:
    assert date(Buffer.from_line(b"1-Feb-1994"))[0] == datetime.date(1994, 2, 1)
    assert date(Buffer.from_line(b'"01-feb-1994"'))[0] == datetime.date(1994, 2, 1)


@pytest.mark.parametrize("text", [b"31-Feb-1994", b"1-Foo-1994", b"1-Feb-94", b'"1-Feb-1994'])
def test_invalid_dates(text: bytes) -> None:
    with pytest.raises(ParseError):
        date(Buffer.from_line(text))


def test_date_time_of_rfc3501_append_example() -> None:
    value, _ = date_time(Buffer.from_line(b'"17-Jul-1996 02:44:25 -0700"'))
    zone = datetime.timezone(-datetime.timedelta(hours=7))
    assert value == datetime.datetime(1996, 7, 17, 2, 44, 25, tzinfo=zone)


def test_date_time_with_space_padded_day() -> None:
    value, _ = date_time(Buffer.from_line(b'" 7-Feb-1994 21:52:25 -0800"'))
    assert (value.day, value.utcoffset()) == (7, -datetime.timedelta(hours=8))


@pytest.mark.parametrize(
    "text",
    [b'"7-Feb-1994 25:52:25 -0800"', b'"7-Feb-1994 21:52:25 +2400"', b"7-Feb-1994 21:52:25"],
)
def test_invalid_date_times(text: bytes) -> None:
    with pytest.raises(ParseError):
        date_time(Buffer.from_line(text))


def test_format_date_time_pads_the_day_with_a_space() -> None:
    zone = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    value = datetime.datetime(2024, 3, 5, 9, 8, 7, tzinfo=zone)
    assert format_date_time(value) == b'" 5-Mar-2024 09:08:07 +0530"'
    assert format_date_time(datetime.datetime(2024, 12, 25, 0, 0, 0)) == (
        b'"25-Dec-2024 00:00:00 +0000"'
    )


def test_format_and_parse_agree() -> None:
    zone = datetime.timezone(-datetime.timedelta(hours=3, minutes=30))
    value = datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=zone)
    assert date_time(Buffer.from_line(format_date_time(value)))[0] == value
