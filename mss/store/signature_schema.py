"""Tables of signature requests on the store's one ``metadata``.

``signature_requests`` keeps in clear only what the unattended worker needs (the request's state,
each signer's state by position, the deadline) and a revision number for compare-and-set; who
sent it, who signs it, the document and the audit trail are sealed. ``signature_keys`` holds the
request's content key sealed once per participant (the organisation and each signer): anonymous
sealed boxes, so no row names an account, and a database reader cannot link an organisation to
the people it asks to sign.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
)

from mss.store.schema import metadata

signature_requests = Table(
    "signature_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("public_id", LargeBinary(16), nullable=False, unique=True),
    Column("state", String(16), nullable=False),
    Column("signer_states", String(400), nullable=False),
    Column("ordered", Boolean, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("document", LargeBinary, nullable=False),
    Index(None, "state", "expires_at"),
)

signature_keys = Table(
    "signature_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", ForeignKey("signature_requests.id", ondelete="CASCADE"), nullable=False),
    Column("sealed_key", LargeBinary, nullable=False),
    Index(None, "request_id"),
)
