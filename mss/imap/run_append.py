"""Handler of APPEND (RFC 3501 §6.3.11), through ``deliver``, the one write path for mail.

``deliver`` returns once the message is committed and durable, so the tagged OK, with its
APPENDUID (RFC 4315 §3), never acknowledges a message a crash could lose.
"""

from __future__ import annotations

from mss.delivery import deliver
from mss.imap.codes import APPENDUID, CANNOT, NO, TOOBIG, TRYCREATE, Code
from mss.imap.commands_append import Append
from mss.imap.errors import CommandError
from mss.imap.state import Done, SessionState


async def append(state: SessionState, command: Append) -> Done:
    """One message per APPEND: MULTIAPPEND (RFC 3502) is not advertised."""
    if len(command.messages) != 1:
        raise CommandError(NO, CANNOT, "One message per APPEND")
    (message,) = command.messages
    target = await state.store.get_mailbox(state.account.account.id, command.mailbox)
    if target is None:
        # RFC 3501 §6.3.11: TRYCREATE tells the client that CREATE would help.
        raise CommandError(NO, TRYCREATE, "No such mailbox")
    if not message.data:
        raise CommandError(NO, CANNOT, "Empty message")
    if len(message.data) > state.services.settings.append_limit:
        raise CommandError(NO, TOOBIG, "Message too large")  # RFC 7889 §4
    date = None if message.internal_date is None else int(message.internal_date.timestamp())
    appended = await deliver(
        state.store, state.account.account, target, message.data, message.flags, date
    )
    if state.selected is not None and state.selected.mailbox.id == target.id:
        state.selected.dirty = True
    code = Code(APPENDUID, b"%d %d" % (appended.uidvalidity, appended.uid))
    return Done("APPEND completed", code)
