"""Mailbox names as a hierarchy: validity, ancestors, and LIST pattern matching.

The hierarchy delimiter is "/" (the store's choice, RFC 3501 §5.1.1). Names here are already
decoded text; their wire form is ``mailbox.py``'s business.
"""

from __future__ import annotations

from typing import Final

from mss.imap.wire.codes import CANNOT, NO
from mss.imap.wire.errors import CommandError
from mss.imap.wire.mailbox import INBOX

DELIMITER: Final = "/"
MAX_NAME = 1000  # the store's column size
MAX_DEPTH = 32


def validate(name: str) -> str:
    """A name a client may create: non-empty levels, no wildcard, not too long or deep.

    RFC 3501 §6.3.3: a trailing delimiter only says inferiors will follow; it is dropped.
    Wildcards are refused so that every name can be matched literally by LIST.
    """
    name = name.removesuffix(DELIMITER)
    levels = name.split(DELIMITER)
    if not name or "" in levels:
        raise CommandError(NO, CANNOT, "Invalid mailbox name: empty level")
    if "%" in name or "*" in name:
        raise CommandError(NO, CANNOT, "Invalid mailbox name: wildcards are not allowed")
    if len(name) > MAX_NAME or len(levels) > MAX_DEPTH:
        raise CommandError(NO, CANNOT, "Invalid mailbox name: too long")
    return name


def ancestors(name: str) -> list[str]:
    """The superior names of ``name``, outermost first: "a/b/c" gives "a", "a/b"."""
    levels = name.split(DELIMITER)
    return [DELIMITER.join(levels[:depth]) for depth in range(1, len(levels))]


def has_children(name: str, names: set[str]) -> bool:
    """Whether some name in ``names`` is an inferior of ``name`` (RFC 3348)."""
    prefix = name + DELIMITER
    return any(other.startswith(prefix) for other in names)


def _closure(pattern: str, positions: set[int]) -> set[int]:
    """A wildcard may match nothing, so the position after it is reachable too."""
    found = set(positions)
    for position in positions:
        while position < len(pattern) and pattern[position] in "*%":
            position += 1
            found.add(position)
    return found


def glob_match(pattern: str, name: str) -> bool:
    """RFC 3501 §6.3.8: "*" matches anything, "%" anything but the delimiter.

    The name is walked once, keeping the set of pattern positions still possible, so a pattern
    full of wildcards costs at most its length times the name's; a regular expression would
    backtrack exponentially on such input.
    """
    positions = _closure(pattern, {0})
    for char in name:
        following: set[int] = set()
        for position in positions:
            if position == len(pattern):
                continue
            wanted = pattern[position]
            if wanted == "*" or (wanted == "%" and char != DELIMITER):
                following.add(position)
            elif wanted == char:
                following.add(position + 1)
        positions = _closure(pattern, following)
        if not positions:
            return False
    return len(pattern) in positions


class Pattern:
    """A LIST pattern with its reference (RFC 3501 §6.3.8); INBOX matches in any case (§5.1)."""

    def __init__(self, reference: str, pattern: str) -> None:
        self.text = reference + pattern

    def matches(self, name: str) -> bool:
        """Whether ``name`` is listed by this pattern."""
        if glob_match(self.text, name):
            return True
        return name == INBOX and glob_match(self.text.upper(), name)
