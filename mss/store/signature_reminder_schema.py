"""Reminders of signature requests on the store's one ``metadata``.

``signature_reminders``: one row per reminder date of a request. The reminder worker runs with
nobody signed in, so the messages it sends (one per signer, written when the request was made)
are sealed to the server's queue key pair (mss/queuesealed.py), like queued mail: a dump of
the database reads neither the document's title nor who is asked to sign. ``sent_at`` is set
once the reminder has gone to the signers still expected then.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, LargeBinary, Table

from mss.store.schema import metadata

signature_reminders = Table(
    "signature_reminders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "request_id",
        ForeignKey("signature_requests.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("due_at", BigInteger, nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Column("sent_at", BigInteger, nullable=True),
    Index(None, "sent_at", "due_at"),
)
