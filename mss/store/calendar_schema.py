"""Tables of the agenda on the store's one ``metadata``.

``calendar_entries``: one row per iTIP object received, per answer given and per personal
reminder, sealed to the owner; rows of one event share ``event_tag``, a keyed hash (server
secret) of the owner and the event's UID, so an update finds its event without the server
reading either. ``calendar_reminders``: reminder messages prepared while the plaintext was in
memory, each already encrypted for the owner's INBOX; ``due_at`` is the only time in clear,
``claimed_until`` the worker's lease.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, LargeBinary, Table

from mss.store.schema import metadata

calendar_entries = Table(
    "calendar_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("event_tag", LargeBinary(32), nullable=False),
    Column("object_id", LargeBinary(16), nullable=False, unique=True),
    Column("sealed_key", LargeBinary, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Index(None, "account_id", "event_tag"),
)

calendar_reminders = Table(
    "calendar_reminders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("event_tag", LargeBinary(32), nullable=False),
    Column("due_at", BigInteger, nullable=False),
    Column("claimed_until", BigInteger, nullable=False, default=0),
    Column("schedule", LargeBinary, nullable=False),
    Column("object_id", LargeBinary(16), nullable=False, unique=True),
    Column("sealed_key", LargeBinary, nullable=False),
    Column("summary", LargeBinary, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("size", BigInteger, nullable=False),
    Index(None, "due_at"),
    Index(None, "account_id", "event_tag"),
)
