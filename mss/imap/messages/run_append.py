"""Handler of APPEND (RFC 3501 §6.3.11), through ``deliver``, the one write path for mail.

``deliver`` returns once the message is committed and durable, so the tagged OK, with its
APPENDUID (RFC 4315 §3), never acknowledges a message a crash could lose.
"""

from __future__ import annotations

from dataclasses import replace

from mss.delivery import deliver, deliver_many
from mss.imap.messages.catenate import resolve
from mss.imap.messages.commands_append import Append, AppendMessage
from mss.imap.session.state import Done, SessionState
from mss.imap.wire.codes import APPENDUID, CANNOT, NO, TOOBIG, TRYCREATE, Code
from mss.imap.wire.errors import CommandError
from mss.imap.wire.sequence import SequenceSet
from mss.mime.reencode import without_nul


async def _assembled(state: SessionState, message: AppendMessage) -> AppendMessage:
    """The message as it will be stored: its CATENATE parts joined (RFC 4469 §5), and parts
    holding NUL re-encoded (RFC 3516 §4.3: a later BODY[] literal cannot carry NUL)."""
    data = message.data
    if message.catenate:
        pieces = [p if isinstance(p, bytes) else await resolve(state, p) for p in message.catenate]
        data = b"".join(pieces)
    return replace(message, data=without_nul(data), catenate=())


async def append(state: SessionState, command: Append) -> Done:
    """APPEND, one message or several (MULTIAPPEND, RFC 3502 §3: all stored or none)."""
    target = await state.store.get_mailbox(state.account.account.id, command.mailbox)
    if target is None:
        # RFC 3501 §6.3.11: TRYCREATE tells the client that CREATE would help.
        raise CommandError(NO, TRYCREATE, "No such mailbox")
    messages = [await _assembled(state, message) for message in command.messages]
    for message in messages:
        if not message.data:
            raise CommandError(NO, CANNOT, "Empty message")
        if len(message.data) > state.services.settings.append_limit:
            raise CommandError(NO, TOOBIG, "Message too large")  # RFC 7889 §4
    dated = [
        (m.data, m.flags, None if m.internal_date is None else int(m.internal_date.timestamp()))
        for m in messages
    ]
    if len(dated) == 1:
        raw, flags, date = dated[0]
        appended = [await deliver(state.store, state.account.account, target, raw, flags, date)]
    else:
        appended = await deliver_many(state.store, state.account.account, target, dated)
    if state.selected is not None and state.selected.mailbox.id == target.id:
        state.selected.dirty = True
    # RFC 4315 §3: APPENDUID carries a UID set when several messages were appended.
    uids = SequenceSet.from_numbers(a.uid for a in appended).to_bytes()
    code = Code(APPENDUID, b"%d %s" % (appended[0].uidvalidity, uids))
    return Done("APPEND completed", code)
