"""Tables of sender-side tracking (mss/receipts/tracking.py), on the store's one ``metadata``.

``tracking_watches``: one row per message a local account sent, named by a keyed tag of
(account, Message-ID) under the server secret, with where its Sent copy is, so that an arriving
report can mark that copy without anyone's keys. ``tracking_events``: what became of it, one row
per report; the state and its time are clear (the operator's `mss receipts show`), the recipient
it concerns is sealed to the sender, so no row says who wrote to whom.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, LargeBinary, String, Table

from mss.store.schema import metadata

tracking_watches = Table(
    "tracking_watches",
    metadata,
    Column("tag", LargeBinary(32), primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("mailbox_id", Integer, nullable=True),
    Column("uid", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
)

tracking_events = Table(
    "tracking_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tag", ForeignKey("tracking_watches.tag", ondelete="CASCADE"), nullable=False),
    Column("state", String(16), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("object_id", LargeBinary(16), nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Index("ix_tracking_events_tag", "tag"),
)
