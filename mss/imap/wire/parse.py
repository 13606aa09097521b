"""``parse_command``: one framed command to one typed ``Command``.

RFC 3501 §9: ``command = tag SP (command-any / command-auth / command-nonauth /
command-select) CRLF``. The tag is read first so that every later fault can be answered with
a tagged BAD; a fault before the tag is answered untagged (§7.1.3).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Final

from mss.imap.mailboxes import commands_auth as auth
from mss.imap.mailboxes import commands_list as listing
from mss.imap.messages import commands_append as append
from mss.imap.search import commands_sort as sorting
from mss.imap.selected import commands_selected as selected
from mss.imap.session import commands_any as anystate
from mss.imap.session import commands_nonauth as nonauth
from mss.imap.wire.command import Command, ParseOptions
from mss.imap.wire.errors import ImapError, ParseError
from mss.imap.wire.framing import RawCommand, frame
from mss.imap.wire.grammar import Buffer, end, keyword, sp, tag

Parser = Callable[[str, Buffer, ParseOptions], tuple[Command, Buffer]]

_COMMANDS: Final[tuple[type[Command], ...]] = (
    anystate.Capability, anystate.Noop, anystate.Logout, anystate.Id,
    nonauth.StartTls, nonauth.Login, nonauth.Authenticate,
    auth.Select, auth.Examine, auth.Create, auth.Delete, auth.Rename, auth.Subscribe,
    auth.Unsubscribe, auth.Namespace, auth.Status, auth.Idle, auth.Enable, auth.Compress,
    listing.ListMailboxes, listing.Lsub, append.Append,
    selected.Check, selected.Close, selected.Unselect, selected.Expunge, selected.Search,
    selected.Fetch, selected.Store, selected.Copy, selected.Move, sorting.Sort, sorting.Thread,
    selected.CancelUpdate,
)  # fmt: skip

# RFC 3501 §6.4.8 UID COPY/FETCH/SEARCH/STORE, RFC 6851 §3.2 UID MOVE, RFC 4315 UID EXPUNGE.
_UID_COMMANDS: Final[dict[str, Parser]] = {
    "UID COPY": partial(selected.Copy.parse, uid=True),
    "UID MOVE": partial(selected.Move.parse, uid=True),
    "UID FETCH": partial(selected.Fetch.parse, uid=True),
    "UID SEARCH": partial(selected.Search.parse, uid=True),
    "UID STORE": partial(selected.Store.parse, uid=True),
    "UID EXPUNGE": selected.UidExpunge.parse,
    "UID SORT": partial(sorting.Sort.parse, uid=True),  # RFC 5256 §3
    "UID THREAD": partial(sorting.Thread.parse, uid=True),
}

PARSERS: Final[dict[str, Parser]] = {
    **{command.name: command.parse for command in _COMMANDS},
    **_UID_COMMANDS,
}


def parse_command(data: RawCommand | bytes, *, options: ParseOptions | None = None) -> Command:
    """The command in ``data``; ``ParseError`` (tagged when the tag could be read) if malformed.

    ``data`` is a framed command, or for convenience the bytes of exactly one whole command
    with its literals inline, as a client would send it.
    """
    raw = frame(data) if isinstance(data, bytes) else data
    buf = Buffer.of(raw)
    command_tag, rest = tag(buf)
    try:
        rest = sp(rest)
        name, rest = keyword(rest)
        if name == "UID":
            sub, rest = keyword(sp(rest))
            name = f"UID {sub}"
        parser = PARSERS.get(name)
        if parser is None:
            raise ParseError(f"Unknown command {name[:40]}")
        command, rest = parser(command_tag, rest, options or ParseOptions())
        end(rest)
    except ImapError as exc:
        raise exc.with_tag(command_tag) from None
    return command
