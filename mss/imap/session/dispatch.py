"""From a parsed command to its handler, and the state check made once before it.

RFC 3501 §3 and §6: each command group is valid in certain states; ``allowed`` is the only
place that knows which, so no handler checks the state again.
"""

from __future__ import annotations

from typing import Final

from mss.imap.fetch import run_fetch
from mss.imap.mailboxes import run_list, run_mailboxes
from mss.imap.mailboxes.commands_auth import (
    Compress,
    Create,
    Delete,
    Enable,
    Idle,
    Namespace,
    Rename,
    Select,
    Status,
    Subscribe,
    Unsubscribe,
)
from mss.imap.mailboxes.commands_list import ListMailboxes, Lsub
from mss.imap.messages import run_append, run_transfer
from mss.imap.messages.commands_append import Append
from mss.imap.search import run_search, run_sort
from mss.imap.search.commands_sort import Sort, Thread
from mss.imap.selected import run_close, run_store
from mss.imap.selected.commands_selected import (
    CancelUpdate,
    Check,
    Close,
    Copy,
    Expunge,
    Fetch,
    Move,
    Search,
    Store,
    UidExpunge,
    Unselect,
)
from mss.imap.session import run_any, run_extensions, run_idle, run_login
from mss.imap.session.commands_any import Capability, Id, Logout, Noop
from mss.imap.session.commands_nonauth import Authenticate, Login, StartTls
from mss.imap.session.state import Done, SessionState, State
from mss.imap.wire.codes import BAD
from mss.imap.wire.command import (
    AnyStateCommand,
    AuthenticatedCommand,
    Command,
    NotAuthenticatedCommand,
    SelectedCommand,
)
from mss.imap.wire.errors import CommandError

ALLOWED: Final[dict[State, tuple[type[Command], ...]]] = {
    State.NOT_AUTHENTICATED: (AnyStateCommand, NotAuthenticatedCommand),
    State.AUTHENTICATED: (AnyStateCommand, AuthenticatedCommand),
    State.SELECTED: (AnyStateCommand, AuthenticatedCommand, SelectedCommand),
    State.LOGOUT: (),
}

# RFC 3501 §7.4.1: no EXPUNGE response while these are answered.
NO_EXPUNGE: Final = (Fetch, Store, Search, Sort, Thread)


def check_state(state: SessionState, command: Command) -> None:
    """BAD when the command is not valid in the session's state (RFC 3501 §6)."""
    if isinstance(command, ALLOWED[state.state]):
        return
    if isinstance(command, SelectedCommand):
        reason = "No mailbox selected"
    elif isinstance(command, NotAuthenticatedCommand):
        reason = "Already authenticated"
    else:
        reason = "Not authenticated"
    raise CommandError(BAD, None, f"{command.verb}: {reason}")


async def dispatch(state: SessionState, command: Command) -> Done:
    """Run ``command``'s handler."""
    match command:
        case Capability():
            return await run_any.capability(state, command)
        case Noop():
            return await run_any.noop(state, command)
        case Logout():
            return await run_any.logout(state, command)
        case Id():
            return await run_any.identify(state, command)
        case StartTls():
            return await run_login.start_tls(state, command)
        case Login():
            return await run_login.login(state, command)
        case Authenticate():
            return await run_login.authenticate(state, command)
        case Enable():
            return await run_extensions.enable(state, command)
        case Compress():
            return await run_extensions.compress(state, command)
        case Namespace():
            return await run_extensions.namespace(state, command)
        case Select():
            return await run_mailboxes.select(state, command)
        case Create():
            return await run_mailboxes.create(state, command)
        case Delete():
            return await run_mailboxes.delete(state, command)
        case Rename():
            return await run_mailboxes.rename(state, command)
        case Subscribe() | Unsubscribe():
            return await run_mailboxes.subscribe(state, command)
        case Status():
            return await run_mailboxes.status(state, command)
        case ListMailboxes():
            return await run_list.list_mailboxes(state, command)
        case Lsub():
            return await run_list.lsub(state, command)
        case Append():
            return await run_append.append(state, command)
        case Idle():
            return await run_idle.idle(state, command)
        case Check():
            return await run_close.check(state, command)
        case Close():
            return await run_close.close(state, command)
        case Unselect():
            return await run_close.unselect(state, command)
        case Expunge() | UidExpunge():
            return await run_close.expunge(state, command)
        case Fetch():
            return await run_fetch.fetch(state, command)
        case Search():
            return await run_search.search(state, command)
        case CancelUpdate():
            return await run_search.cancel_update(state, command)
        case Store():
            return await run_store.store(state, command)
        case Sort():
            return await run_sort.sort(state, command)
        case Thread():
            return await run_sort.thread(state, command)
        case Copy() | Move():
            return await run_transfer.copy(state, command)
    raise CommandError(BAD, None, f"{command.name} is not implemented")
