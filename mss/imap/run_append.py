"""Handler of APPEND (RFC 3501 §6.3.11), through ``deliver``, the one write path for mail.

``deliver`` returns once the message is committed and durable, so the tagged OK, with its
APPENDUID (RFC 4315 §3), never acknowledges a message a crash could lose.
"""

from __future__ import annotations

from mss.delivery import deliver, deliver_many
from mss.imap.codes import APPENDUID, CANNOT, NO, TOOBIG, TRYCREATE, Code
from mss.imap.commands_append import Append
from mss.imap.errors import CommandError
from mss.imap.sequence import SequenceSet
from mss.imap.state import Done, SessionState


async def append(state: SessionState, command: Append) -> Done:
    """APPEND, one message or several (MULTIAPPEND, RFC 3502 §3: all stored or none)."""
    target = await state.store.get_mailbox(state.account.account.id, command.mailbox)
    if target is None:
        # RFC 3501 §6.3.11: TRYCREATE tells the client that CREATE would help.
        raise CommandError(NO, TRYCREATE, "No such mailbox")
    for message in command.messages:
        if not message.data:
            raise CommandError(NO, CANNOT, "Empty message")
        if len(message.data) > state.services.settings.append_limit:
            raise CommandError(NO, TOOBIG, "Message too large")  # RFC 7889 §4
    dated = [
        (m.data, m.flags, None if m.internal_date is None else int(m.internal_date.timestamp()))
        for m in command.messages
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
