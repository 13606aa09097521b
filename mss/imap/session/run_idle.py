"""Handler of IDLE (RFC 2177): changes are pushed as they happen until the client says DONE.

Implementation notes. Two things are awaited at once: the client's next line and the change
feed. A change marks the view dirty and the pending responses are sent at once, expunges
included (RFC 2177 §3 allows every untagged response while idling). A keep-alive is sent when
nothing happened for a while; the autologout timer still runs (RFC 2177 §3 lets the server
log out an idle client, which re-issues IDLE every 29 minutes).

An idling client sends no command, so the check every command gets (mss/generations.py) is made
here too: at once when the feed says the account's credentials changed, and every
:data:`CREDENTIAL_CHECK_SECONDS` in case the notice cannot reach this process (SQLite files
shared by two processes have no feed between them). A session whose credentials changed gets
its BYE within about two seconds (RFC 9051 §7.1.5), not at the next command.
"""

from __future__ import annotations

import asyncio
import contextlib

from mss.generations import KIND as CREDENTIALS
from mss.imap.mailboxes.commands_auth import Idle
from mss.imap.session.state import Done, SessionEnd, SessionState
from mss.imap.session.updates import note, updates
from mss.imap.wire.codes import BAD, OK
from mss.imap.wire.encode import continuation, untagged_status
from mss.imap.wire.errors import CommandError
from mss.store.changes import Change

CREDENTIAL_CHECK_SECONDS = 1.0
"""With the generations' cache (0.5 s), a change made elsewhere is seen within 1.5 s."""


async def _check_credentials(state: SessionState) -> None:
    user = state.user
    if user is not None and not await state.services.signin.still_valid(user):
        raise SessionEnd("Credentials changed: sign in again")


async def _push(state: SessionState) -> None:
    """Send whatever changed, at once: nothing waits for a command to end during IDLE."""
    for line in await updates(state, allow_expunge=True):
        state.channel.send(line)
    await state.channel.flush()


async def idle(state: SessionState, command: Idle) -> Done:
    """RFC 2177 §3: ``+ idling``, pushes, then the tagged OK once DONE arrives."""
    settings = state.services.settings
    state.channel.send(continuation("idling"))
    await _push(state)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.autologout_seconds
    keepalive = loop.time() + settings.idle_keepalive_seconds
    line_task = asyncio.ensure_future(state.channel.next_line())
    change_task: asyncio.Future[Change] | None = None
    try:
        while not line_task.done():
            if change_task is None and state.subscription is not None:
                change_task = asyncio.ensure_future(state.subscription.get())
            waiting: set[asyncio.Future[bytes] | asyncio.Future[Change]] = {line_task}
            if change_task is not None:
                waiting.add(change_task)
            now = loop.time()
            if deadline <= now:
                raise SessionEnd("Autologout; idle for too long")
            timeout = min(keepalive, deadline, now + CREDENTIAL_CHECK_SECONDS) - now
            done, _ = await asyncio.wait(waiting, timeout=timeout, return_when="FIRST_COMPLETED")
            await _check_credentials(state)
            if change_task is not None and change_task in done:
                change = change_task.result()
                change_task = None
                if change.kind != CREDENTIALS:
                    note(state, [change])
                    await _push(state)
                    keepalive = loop.time() + settings.idle_keepalive_seconds
            elif not done and loop.time() >= keepalive:
                keepalive = loop.time() + settings.idle_keepalive_seconds
                state.channel.send(untagged_status(OK, "Still here"))
                await state.channel.flush()
        line = line_task.result()
    finally:
        for task in (line_task, change_task):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
    if line.strip().upper() != b"DONE":
        raise CommandError(BAD, None, "Expected DONE to end IDLE")
    return Done("IDLE terminated")
