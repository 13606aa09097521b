"""Table of the read receipts already sent, on the store's one ``metadata``.

``receipts_sent``: one row per (recipient account, original message, disposition) for which an
MDN went out, so that at most one is ever sent (RFC 8098 §2.1). ``tag`` is a keyed hash under
the server secret (mss/receipts/ledger.py): the Message-ID itself is never stored readably.

``receipt_preferences``: a patient's choice for read receipts (``ask``, ``always``, ``never``);
no row means ``ask``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, LargeBinary, String, Table

from mss.store.schema import metadata

receipts_sent = Table(
    "receipts_sent",
    metadata,
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", LargeBinary(32), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
)

receipt_preferences = Table(
    "receipt_preferences",
    metadata,
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("mode", String(8), nullable=False),
)
