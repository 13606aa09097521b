"""The clear metadata of a stored message, made coarse and perturbed independently per copy.

Why: the copies of one message (each recipient's, the sender's Sent copy) used to share their
exact internal date and size, so a database dump linked sender and recipients. The exact values
now live only in the sealed summary; the clear columns keep a value close enough for the store to
sort a mailbox page, drawn afresh for every copy, so that equal clear values say nothing about a
shared origin. Ciphertexts get random padding for the same reason: their lengths would otherwise
repeat the exact size. Row ids are random for the same reason: counted ids ran in step for the
copies written together.
"""

from __future__ import annotations

import secrets

DATE_SPREAD_SECONDS = 3600
"""Clear internal dates move by up to an hour either way: two copies written in the same second
share a clear date with probability 1/7201, and a page sorted by date is at most two hours off."""

SIZE_SPREAD_OCTETS = 65536
"""Clear sizes grow by up to 64 KiB (or an eighth of the message when larger)."""

CONTENT_PAD_MIN = 16384
"""Padding of the encrypted content: up to 16 KiB or an eighth of the message, whichever is more."""

ROW_ID_LIMIT = 2**63 - 1
"""Row ids of stored messages (and SQLite's hidden row ids of their contents) are drawn below
this bound (a signed 64-bit integer, on SQLite and PostgreSQL alike). Counted ids gave the copies
of one message adjacent values; random ids give none: two copies' ids are no closer than any two
messages'. Two draws collide with probability about n²/2⁶⁴ for n stored messages (a delivery
that meets one fails and is retried by its sender), and the ids say nothing of insertion order.
"""

SUMMARY_PAD_MAX = 4096
"""Padding of the encrypted summary, whose length follows the header block's."""


def clear_date(exact: int) -> int:
    """A clear internal date for one copy: ``exact`` moved by a fresh uniform offset."""
    return exact + secrets.randbelow(2 * DATE_SPREAD_SECONDS + 1) - DATE_SPREAD_SECONDS


def clear_size(exact: int) -> int:
    """A clear size for one copy: never below ``exact``, so a size sort stays roughly right."""
    return exact + secrets.randbelow(max(SIZE_SPREAD_OCTETS, exact // 8) + 1)


def content_padding(length: int) -> int:
    """How many octets of padding to add to a content of ``length`` octets."""
    return secrets.randbelow(max(CONTENT_PAD_MIN, length // 8) + 1)


def random_row_id() -> int:
    """A row id for one stored copy, drawn afresh: see :data:`ROW_ID_LIMIT`."""
    return secrets.randbelow(ROW_ID_LIMIT) + 1


def summary_padding() -> int:
    return secrets.randbelow(SUMMARY_PAD_MAX + 1)
