"""Handlers of the commands valid in any state: CAPABILITY, NOOP, LOGOUT, ID."""

from __future__ import annotations

import logging

from mss import __version__
from mss.imap.session.commands_any import Capability, Id, Logout, Noop
from mss.imap.session.state import Done, SessionState
from mss.imap.wire.codes import BYE
from mss.imap.wire.encode import capability_data, nstring, plist, untagged, untagged_status

log = logging.getLogger(__name__)

SERVER_ID = (("name", "MSS"), ("version", __version__), ("vendor", "MSS project"))


async def capability(state: SessionState, command: Capability) -> Done:
    """RFC 3501 §6.1.1: the list depends on TLS and login, so it is computed each time."""
    state.channel.send(untagged(b"CAPABILITY", capability_data(state.capabilities())))
    return Done("CAPABILITY completed")


async def noop(state: SessionState, command: Noop) -> Done:
    """RFC 3501 §6.1.2: nothing to do; the session reports mailbox changes on completion."""
    return Done("NOOP completed")


async def logout(state: SessionState, command: Logout) -> Done:
    """RFC 3501 §6.1.3: an untagged BYE, then the tagged OK, then the connection closes."""
    state.logging_out = True
    state.channel.send(untagged_status(BYE, "MSS IMAP server logging out"))
    return Done("LOGOUT completed", close=True)


async def identify(state: SessionState, command: Id) -> Done:
    """RFC 2971 §3.1: the server answers with its own identification.

    The client's is only logged: RFC 2971 §3.1 forbids changing behaviour on it.
    """
    if command.params:
        log.info("client id: %s", ", ".join(f"{k}={v!r}" for k, v in command.params))
    fields = [nstring(value) for pair in SERVER_ID for value in pair]
    state.channel.send(untagged(b"ID", plist(fields)))
    return Done("ID completed")
