"""The selected mailbox's reader (mss/reading): one per selected view, made on first use.

Held beside the view rather than in it, so that the view stays what it is (numbering and flags)
and the reader, with the mailbox index it keeps alive, goes when the view does.
"""

from __future__ import annotations

import weakref

from mss.imap.selected import SelectedMailbox
from mss.imap.state import SessionState
from mss.reading.reader import MailboxReader

_readers: weakref.WeakKeyDictionary[SelectedMailbox, MailboxReader] = weakref.WeakKeyDictionary()


def reader_of(state: SessionState) -> MailboxReader:
    view = state.mailbox
    reader = _readers.get(view)
    if reader is None:
        reader = MailboxReader(state.store, state.account.keys, view.mailbox)
        _readers[view] = reader
    return reader
