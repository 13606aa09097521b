"""Table of the IMAP \\Recent claims on the store's one ``metadata``.

RFC 3501 §2.3.2: a message is recent in exactly one session, the first to be told of it. Holding
the claim in the database, rather than in one server process, makes that true across processes
and restarts. One row per mailbox: the highest UID some session has already taken; a mailbox
without a row has never been selected, so all its messages are recent. Only numbers: nothing a
person wrote.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Table

from mss.store.schema import metadata

recent_claims = Table(
    "recent_claims",
    metadata,
    Column(
        "mailbox_id",
        ForeignKey("mailboxes.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("claimed_uid", BigInteger, nullable=False),
)
