"""The selected mailbox: its view of the index, \\Recent, keywords, CONDSTORE, and the
selected-state commands that change it (CLOSE, EXPUNGE, STORE)."""
