"""Credential generations: a per-account counter that every front end consults.

A session opened by IMAP, SMTP, CalDAV or the webmail holds an unlocked account for as long as
it lives. When the owner says the account was stolen, every such session opened before must stop
at its next command, whatever the protocol: so the rule lives here, in the core. A sign-in
records the account's generation; a credential change that ends other sessions bumps it; a
session whose generation is older than the account's is over.

Kept in memory: MSS serves every protocol from one process (``mss serve``), so one counter per
process is seen by every session. A restart ends every session anyway.
"""

from __future__ import annotations


class CredentialGenerations:
    def __init__(self) -> None:
        self._counters: dict[int, int] = {}

    def current(self, account_id: int) -> int:
        return self._counters.get(account_id, 0)

    def bump(self, account_id: int) -> int:
        """End every session of the account opened until now; the new generation."""
        value = self.current(account_id) + 1
        self._counters[account_id] = value
        return value
