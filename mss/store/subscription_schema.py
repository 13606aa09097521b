"""Table of IMAP subscriptions on the store's one ``metadata``.

RFC 3501 §6.3.6 makes a subscription a name on a list of its own, not a property of a mailbox:
it outlives the mailbox's deletion (LIST (SUBSCRIBED) then shows it ``\\NonExistent``, RFC 5258
§3.4), and a new mailbox is not subscribed unless the client asks. Names are the decoded IMAP
names, as in ``mailboxes.name``.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, UniqueConstraint

from mss.store.schema import metadata

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(1000), nullable=False),
    UniqueConstraint("account_id", "name"),
)
