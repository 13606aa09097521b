"""Message flags: the system flags by name, and the flag and flag-list productions.

Flags are case-insensitive (RFC 3501 §2.3.2); system flags are kept in their canonical spelling
so that the store compares one form, and keywords are kept as the client first wrote them.
"""

from __future__ import annotations

from typing import Final

from mss.imap.wire.grammar import Buffer, atom, parenthesised, sp

# RFC 3501 §2.3.2: the system flags.
SEEN: Final = "\\Seen"
ANSWERED: Final = "\\Answered"
FLAGGED: Final = "\\Flagged"
DELETED: Final = "\\Deleted"
DRAFT: Final = "\\Draft"
RECENT: Final = "\\Recent"

# RFC 3501 §7.1: in PERMANENTFLAGS, "\*" says that clients may create new keywords.
ANY_KEYWORD: Final = "\\*"

SYSTEM_FLAGS: Final = (ANSWERED, FLAGGED, DELETED, SEEN, DRAFT)
_CANONICAL: Final = {name.upper(): name for name in (*SYSTEM_FLAGS, RECENT)}


def flag(buf: Buffer) -> tuple[str, Buffer]:
    """RFC 3501 §9 flag: a system flag, a keyword (atom) or a flag-extension ("\\" atom).

    ``\\Recent`` is read-only (RFC 3501 §2.3.2) and is refused wherever a client sets flags;
    so is a flag-extension the server does not know, which no client can mean to set.
    """
    if buf.peek() == b"\\":
        name, rest = atom(buf.skip(1))
        canonical = _CANONICAL.get("\\" + name.upper())
        if canonical is None or canonical == RECENT:
            raise buf.error("Expected a settable flag")
        return canonical, rest
    return atom(buf)


def flag_list(buf: Buffer) -> tuple[tuple[str, ...], Buffer]:
    """RFC 3501 §9 flag-list = "(" [flag *(SP flag)] ")"."""
    return parenthesised(buf, flag)


def store_flags(buf: Buffer) -> tuple[tuple[str, ...], Buffer]:
    """RFC 3501 §9 store-att-flags: a flag-list, or flags separated by spaces without parens."""
    if buf.peek() == b"(":
        return flag_list(buf)
    first, rest = flag(buf)
    flags = [first]
    while rest.peek() == b" ":
        value, rest = flag(sp(rest))
        flags.append(value)
    return tuple(flags), rest
