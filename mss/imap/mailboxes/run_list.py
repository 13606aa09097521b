"""Handlers of LIST (RFC 3501 §6.3.8, extended by RFC 5258, RFC 5819 and RFC 6154) and LSUB.

Attributes always sent: \\HasChildren or \\HasNoChildren (RFC 3348, CHILDREN) and the
special-use attribute (RFC 6154 §2), which Dovecot, the clients' yardstick, also always sends.
"""

from __future__ import annotations

from mss.imap.mailboxes.commands_list import (
    RECURSIVEMATCH,
    SPECIAL_USE,
    STATUS,
    SUBSCRIBED,
    ListMailboxes,
    Lsub,
)
from mss.imap.mailboxes.names import DELIMITER, Pattern, ancestors, has_children
from mss.imap.mailboxes.run_mailboxes import status_values
from mss.imap.session.state import Done, SessionState
from mss.imap.wire.encode import mailbox_name, plist, string, untagged
from mss.store.records import Mailbox

NOSELECT = "\\Noselect"
NONEXISTENT = "\\NonExistent"  # RFC 5258 §3.4
HAS_CHILDREN = "\\HasChildren"
HAS_NO_CHILDREN = "\\HasNoChildren"
SUBSCRIBED_ATTRIBUTE = "\\Subscribed"
QUOTED_DELIMITER = string(DELIMITER)


def _order(name: str) -> tuple[bool, str]:
    """INBOX first, then by name, as clients display them."""
    return (name != "INBOX", name)


def _candidates(names: set[str], patterns: list[Pattern]) -> list[tuple[str, bool]]:
    """Names to list, each with whether it exists.

    A missing superior of existing names is listed only where the pattern stops at its level
    ("%"), so that the client can descend (RFC 3501 §6.3.8, RFC 5258 §3.4); with "*" its
    inferiors are listed themselves and it is not.
    """
    parents = {parent for name in names for parent in ancestors(name)} - names
    found = [(name, True) for name in names if any(p.matches(name) for p in patterns)]
    matched = {name for name, _ in found}
    for parent in parents:
        if any(p.matches(parent) for p in patterns) and not any(
            other.startswith(parent + DELIMITER) for other in matched
        ):
            found.append((parent, False))
    return sorted(found, key=lambda item: _order(item[0]))


def _childinfo(name: str, subscribed: set[str], patterns: list[Pattern]) -> bool:
    """Whether ``name`` carries CHILDINFO under RECURSIVEMATCH (RFC 5258 §3.5).

    A subscribed name has it when any inferior is subscribed. A name that is not subscribed is
    listed only for its inferiors, and the RFC says to suppress that line when every subscribed
    inferior is listed anyway ("servers SHOULD suppress redundant CHILDINFO responses").
    """
    inferiors = [other for other in subscribed if other.startswith(name + DELIMITER)]
    if name in subscribed:
        return bool(inferiors)
    return any(not any(p.matches(other) for p in patterns) for other in inferiors)


def _line(verb: bytes, attributes: list[str], name: str, utf8: bool, extra: bytes = b"") -> bytes:
    """``* LIST (attributes) "/" name [extended data]`` (RFC 3501 §7.2.2, RFC 5258 §6)."""
    attrs = plist(attribute.encode("ascii") for attribute in attributes)
    parts = [verb, attrs, QUOTED_DELIMITER, mailbox_name(name, utf8=utf8)]
    return untagged(*parts, *([extra] if extra else []))


async def list_mailboxes(state: SessionState, command: ListMailboxes) -> Done:
    """RFC 5258 §3: selection options choose the names, return options add data."""
    send = state.channel.send
    if command.patterns == ("",):
        # RFC 3501 §6.3.8: an empty pattern asks for the delimiter and the root name.
        send(_line(b"LIST", [NOSELECT], "", state.utf8))
        return Done("LIST completed")
    account_id = state.account.account.id
    boxes = {box.name: box for box in await state.store.list_mailboxes(account_id)}
    names = set(boxes)
    only_subscribed = SUBSCRIBED in command.select_options
    show_subscribed = only_subscribed or SUBSCRIBED in command.return_options
    subscribed = set(await state.store.subscriptions(account_id)) if show_subscribed else set()
    patterns = [Pattern(command.reference, pattern) for pattern in command.patterns]
    recursive = RECURSIVEMATCH in command.select_options
    # RFC 5258 §3.1: with SUBSCRIBED, a subscribed name is listed even when its mailbox is gone.
    listed = names | subscribed if only_subscribed else names
    for name, exists in _candidates(listed, patterns):
        box = boxes.get(name)
        extra = b""
        if recursive and _childinfo(name, subscribed, patterns):
            extra = b'("CHILDINFO" ("SUBSCRIBED"))'  # RFC 5258 §4
        if only_subscribed and name not in subscribed and not extra:
            continue
        if SPECIAL_USE in command.select_options and (box is None or box.special_use is None):
            continue
        attributes = _attributes(name, box, names, subscribed, command, show_subscribed)
        send(_line(b"LIST", attributes, name, state.utf8, extra))
        if STATUS in command.return_options and exists and box is not None:
            values = await status_values(state, box, command.status_items)
            send(untagged(b"STATUS", mailbox_name(name, utf8=state.utf8), values))
    return Done("LIST completed")


def _attributes(
    name: str,
    box: Mailbox | None,
    names: set[str],
    subscribed: set[str],
    command: ListMailboxes,
    show_subscribed: bool,
) -> list[str]:
    """The name attributes of one LIST line (RFC 3501 §7.2.2, RFC 5258 §3, RFC 6154 §2)."""
    attributes: list[str] = []
    if box is None:
        attributes.append(NONEXISTENT if command.extended else NOSELECT)
    attributes.append(HAS_CHILDREN if has_children(name, names) else HAS_NO_CHILDREN)
    if show_subscribed and name in subscribed:
        attributes.append(SUBSCRIBED_ATTRIBUTE)
    if box is not None and box.special_use:
        attributes.append(box.special_use)
    return attributes


async def lsub(state: SessionState, command: Lsub) -> Done:
    """RFC 3501 §6.3.9: subscribed names; an unsubscribed superior shows as \\Noselect."""
    subscribed = set(await state.store.subscriptions(state.account.account.id))
    pattern = Pattern(command.reference, command.pattern)
    for name, exists in _candidates(subscribed, [pattern]):
        state.channel.send(_line(b"LSUB", [] if exists else [NOSELECT], name, state.utf8))
    return Done("LSUB completed")
