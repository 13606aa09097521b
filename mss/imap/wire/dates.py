"""IMAP dates: ``date`` for SEARCH and ``date-time`` for APPEND and INTERNALDATE.

RFC 3501 §9 spells months in English whatever the locale, so neither direction goes through
``strftime``/``strptime``, whose month names follow the process locale.
"""

from __future__ import annotations

import datetime
import re
from typing import Final

from mss.imap.wire.grammar import Buffer

MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip
_MONTH_NUMBER: Final = {name.upper(): index + 1 for index, name in enumerate(MONTHS)}

# RFC 3501 §9: date-text = date-day "-" date-month "-" date-year, date-day = 1*2DIGIT.
_DATE = re.compile(rb'("?)([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})\1')
# RFC 3501 §9: date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone
# DQUOTE, with date-day-fixed = (SP DIGIT) / 2DIGIT; a single digit is accepted too.
_DATE_TIME = re.compile(
    rb'"[ ]?([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4}) '
    rb'([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})"'
)


def _month(name: bytes, buf: Buffer) -> int:
    month = _MONTH_NUMBER.get(name.decode("ascii").upper())
    if month is None:
        raise buf.error("Expected a month name (Jan to Dec)")
    return month


def date(buf: Buffer) -> tuple[datetime.date, Buffer]:
    """RFC 3501 §9 date = date-text / DQUOTE date-text DQUOTE."""
    match = buf.match(_DATE)
    if match is None:
        raise buf.error("Expected a date like 1-Feb-1994")
    _, day, month, year = match.groups()
    try:
        value = datetime.date(int(year), _month(month, buf), int(day))
    except ValueError:
        raise buf.error("No such date") from None
    return value, buf.after(match)


def date_time(buf: Buffer) -> tuple[datetime.datetime, Buffer]:
    """RFC 3501 §9 date-time, e.g. ``"17-Jul-1996 02:44:25 -0700"``, as an aware datetime."""
    match = buf.match(_DATE_TIME)
    if match is None:
        raise buf.error('Expected a date-time like "17-Jul-1996 02:44:25 -0700"')
    day, month, year, hour, minute, second, sign, zone_h, zone_m = match.groups()
    offset = datetime.timedelta(hours=int(zone_h), minutes=int(zone_m))
    try:
        zone = datetime.timezone(-offset if sign == b"-" else offset)
        value = datetime.datetime(
            int(year), _month(month, buf), int(day),
            int(hour), int(minute), int(second), tzinfo=zone,
        )  # fmt: skip
    except ValueError:
        raise buf.error("No such date-time") from None
    return value, buf.after(match)


def format_date_time(value: datetime.datetime) -> bytes:
    """The quoted date-time of INTERNALDATE (RFC 3501 §7.4.2), day padded with a space."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    offset = value.utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    text = (
        f'"{value.day:2d}-{MONTHS[value.month - 1]}-{value.year:04d} '
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} "
        f'{sign}{minutes // 60:02d}{minutes % 60:02d}"'
    )
    return text.encode("ascii")
