"""The IMAP4rev1 server (RFC 3501) and the extensions mail clients rely on.

The wire format is kept apart from the server: ``wire`` frames and parses client input into
typed commands and encodes responses; ``session`` runs one connection and dispatches each
command to its family's handler: ``mailboxes`` (SELECT, LIST, STATUS...), ``selected`` (the
selected mailbox's view, STORE, EXPUNGE), ``fetch``, ``search`` (SEARCH, SORT, THREAD) and
``messages`` (APPEND, COPY, MOVE), all against the store.
"""
