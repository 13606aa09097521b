"""LIST in its extended form (RFC 5258) with LIST-STATUS (RFC 5819) and SPECIAL-USE (RFC 6154),
and LSUB (RFC 3501 §6.3.9)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Self

from mss.imap.mailboxes.commands_auth import status_item
from mss.imap.wire.command import AuthenticatedCommand, ParseOptions
from mss.imap.wire.errors import ParseError
from mss.imap.wire.grammar import Buffer, keyword, maybe, parenthesised, sp
from mss.imap.wire.mailbox import list_pattern, mailbox

# RFC 5258 §3.1 selection options, and RFC 6154 §4's SPECIAL-USE selection option.
SUBSCRIBED: Final = "SUBSCRIBED"
REMOTE: Final = "REMOTE"
RECURSIVEMATCH: Final = "RECURSIVEMATCH"
SPECIAL_USE: Final = "SPECIAL-USE"
SELECT_OPTIONS: Final = frozenset({SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL_USE})
# RFC 5258 §3.2 return options, RFC 5819 §2 STATUS and RFC 6154 §4 SPECIAL-USE.
CHILDREN: Final = "CHILDREN"
STATUS: Final = "STATUS"
RETURN_OPTIONS: Final = frozenset({SUBSCRIBED, CHILDREN, SPECIAL_USE, STATUS})


@dataclass(frozen=True, slots=True)
class ListMailboxes(AuthenticatedCommand):
    """RFC 5258 §6: ``LIST [(select-opts)] reference (patterns | pattern) [RETURN (opts)]``.

    ``status_items`` is set when ``RETURN (STATUS (...))`` asks for each mailbox's STATUS.
    """

    name = "LIST"
    reference: str
    patterns: tuple[str, ...]
    select_options: frozenset[str] = field(default_factory=frozenset)
    return_options: frozenset[str] = field(default_factory=frozenset)
    status_items: tuple[str, ...] = ()

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        rest = sp(buf)
        selection: tuple[str, ...] = ()
        if rest.peek() == b"(":
            selection, rest = parenthesised(rest, _option(SELECT_OPTIONS, "selection"))
            rest = sp(rest)
            # RFC 5258 §3.1: RECURSIVEMATCH alone would select nothing: it is a client error.
            if RECURSIVEMATCH in selection and not set(selection) - {RECURSIVEMATCH, REMOTE}:
                raise ParseError("RECURSIVEMATCH needs another selection option")
        reference, rest = mailbox(rest, utf8=options.utf8)
        rest = sp(rest)
        if rest.peek() == b"(":
            patterns, rest = parenthesised(
                rest, lambda item: list_pattern(item, utf8=options.utf8), allow_empty=False
            )
        else:
            pattern, rest = list_pattern(rest, utf8=options.utf8)
            patterns = (pattern,)
        returns: list[str] = []
        status_items: tuple[str, ...] = ()
        after_return = maybe(rest, b" RETURN ")
        if after_return is not None:

            def return_option(item: Buffer) -> tuple[str, Buffer]:
                nonlocal status_items
                value, after = _option(RETURN_OPTIONS, "return")(item)
                if value == STATUS:
                    status_items, after = parenthesised(sp(after), status_item, allow_empty=False)
                returns.append(value)
                return value, after

            _, rest = parenthesised(after_return, return_option)
        return cls(
            tag, reference, patterns, frozenset(selection), frozenset(returns), status_items
        ), rest

    @property
    def extended(self) -> bool:
        """RFC 5258 §3: the extended syntax was used, so extended replies are allowed."""
        return bool(self.select_options or self.return_options or len(self.patterns) > 1)


def _option(allowed: frozenset[str], kind: str) -> Callable[[Buffer], tuple[str, Buffer]]:
    """A parser of one option keyword among ``allowed``."""

    def parse(buf: Buffer) -> tuple[str, Buffer]:
        value, rest = keyword(buf)
        if value not in allowed:
            # RFC 5258 §3: an option the server does not know is a client error.
            raise buf.error(f"Unknown LIST {kind} option")
        return value, rest

    return parse


@dataclass(frozen=True, slots=True)
class Lsub(AuthenticatedCommand):
    """RFC 3501 §6.3.9: ``LSUB reference pattern``, the subscribed names only."""

    name = "LSUB"
    reference: str
    pattern: str

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        reference, rest = mailbox(sp(buf), utf8=options.utf8)
        pattern, rest = list_pattern(sp(rest), utf8=options.utf8)
        return cls(tag, reference, pattern), rest
