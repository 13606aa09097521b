"""Turning CONDSTORE on by use (RFC 7162 §3.1).

A client that never sent ENABLE CONDSTORE or SELECT (CONDSTORE) turns the extension on by its
first CONDSTORE enabling command (FETCH or SEARCH with MODSEQ, STORE UNCHANGEDSINCE, ...). When
that happens in the selected state it has never been told the mailbox's HIGHESTMODSEQ, so the
server sends ``* OK [HIGHESTMODSEQ n]`` before the command's own responses (RFC 7162 §3.1,
"the server MUST ... send the HIGHESTMODSEQ response code").
"""

from __future__ import annotations

from mss.imap.session.state import SessionState
from mss.imap.wire.codes import CAP_CONDSTORE, HIGHESTMODSEQ, OK, Code
from mss.imap.wire.encode import untagged_status


def enable_condstore(state: SessionState) -> None:
    """Turn CONDSTORE on; the first time, tell a selected mailbox's HIGHESTMODSEQ."""
    if state.condstore:
        return
    state.enabled.add(CAP_CONDSTORE)
    view = state.selected
    if view is None:
        return
    highest = max((view.entry(uid).modseq for uid in view.uids), default=view.mailbox.highestmodseq)
    highest = max(highest, view.mailbox.highestmodseq)
    state.channel.send(untagged_status(OK, "Highest", Code(HIGHESTMODSEQ, b"%d" % highest)))
