"""Announcing the mailbox's flags: at SELECT, and again when a new keyword comes into use.

RFC 3501 §7.2.6: the FLAGS response names the flags applicable to the mailbox, and clients
(imaptest among them) keep that list; a keyword first set by this session's STORE or by
another session must therefore be announced with a new ``* FLAGS`` (and ``PERMANENTFLAGS``,
§7.1) before any FETCH shows it. Keywords once announced stay in the list for the session.
"""

from __future__ import annotations

from mss.imap.selected.selected import SelectedMailbox
from mss.imap.wire import flags as system
from mss.imap.wire.codes import OK, PERMANENTFLAGS, Code
from mss.imap.wire.encode import flag_list, untagged, untagged_status


def flags_lines(keywords: frozenset[str], *, readonly: bool) -> list[bytes]:
    """``* FLAGS (...)`` and ``* OK [PERMANENTFLAGS (...)]`` (none permanent when read-only)."""
    names = sorted(keywords - set(system.SYSTEM_FLAGS))
    permanent = [] if readonly else [*system.SYSTEM_FLAGS, *names, system.ANY_KEYWORD]
    return [
        untagged(b"FLAGS", flag_list([*system.SYSTEM_FLAGS, *names])),
        untagged_status(OK, "Flags permitted", Code(PERMANENTFLAGS, flag_list(permanent))),
    ]


def _keywords(view: SelectedMailbox) -> frozenset[str]:
    """The keywords in use (system flags are always in the list, used or not)."""
    return view.keywords() - set(system.SYSTEM_FLAGS)


def announce_all(view: SelectedMailbox) -> list[bytes]:
    """The SELECT/EXAMINE lines; what they name counts as announced."""
    view.announced = _keywords(view)
    return flags_lines(view.announced, readonly=view.readonly)


def announce_new(view: SelectedMailbox) -> list[bytes]:
    """The lines due if some message now carries a keyword the client was not told of."""
    current = _keywords(view)
    if current <= view.announced:
        return []
    view.announced = view.announced | current
    return flags_lines(view.announced, readonly=view.readonly)
