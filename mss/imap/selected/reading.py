"""The session's reader of its selected mailbox (mss/reading), made on first use.

Held beside the session rather than in the view, so that the view stays what it is (numbering
and flags); kept while the session lives and selects the same mailbox again (a client that
re-selects its INBOX finds its index decoded), replaced when it selects another.
"""

from __future__ import annotations

import weakref

from mss.imap.session.state import SessionState
from mss.reading.reader import MailboxReader

_readers: weakref.WeakKeyDictionary[SessionState, MailboxReader] = weakref.WeakKeyDictionary()


def reader_of(state: SessionState) -> MailboxReader:
    mailbox = state.mailbox.mailbox
    reader = _readers.get(state)
    if reader is None or not reader.reads(mailbox):
        reader = MailboxReader(state.store, state.account.keys, mailbox)
        _readers[state] = reader
    return reader
