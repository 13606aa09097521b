"""The clear metadata of a stored message, made coarse and perturbed independently per copy.

Why: the copies of one message (each recipient's, the sender's Sent copy) used to share their
exact internal date and size, so a database dump linked sender and recipients. The exact values
now live only in the sealed summary; the clear columns keep a value close enough for the store to
sort a mailbox page, drawn afresh for every copy, so that equal clear values say nothing about a
shared origin. Ciphertexts get random padding for the same reason: their lengths would otherwise
repeat the exact size.
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


def summary_padding() -> int:
    return secrets.randbelow(SUMMARY_PAD_MAX + 1)
