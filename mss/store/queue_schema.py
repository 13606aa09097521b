"""Tables of the outbound queue and of the trust space, on the store's one ``metadata``.

A queued message is its envelope in the clear (the addresses are routing metadata, as mailbox
names are) and its content encrypted under a random content key sealed to the server's queue key
(``crypto.queuekey``). ``key_id`` names that key, so a worker only leases what it can open. Each
recipient row carries its own delivery state, retry schedule and lease; when every recipient is
final and every owed report (DSN) is delivered, the message and its recipients are deleted.

Queue times are integer *milliseconds* since the epoch (``*_ms``): retries and leases are
scheduled to the sub-second, which the store's whole-second timestamps cannot express.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from mss.store.schema import metadata

queue_messages = Table(
    "queue_messages",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("object_id", LargeBinary(16), nullable=False, unique=True),
    Column("key_id", LargeBinary(16), nullable=False),
    Column("sealed_key", LargeBinary, nullable=False),
    Column("content", LargeBinary, nullable=False),
    # RFC 5321 §4.1.1.2: the reverse-path; "" is the null sender <> (DSNs), which gets no DSN.
    Column("sender", String(320), nullable=False),
    Column("envid", String(100), nullable=True),  # RFC 3461 §4.4: at most 100 characters
    Column("ret", String(4), nullable=True),  # RFC 3461 §4.3: FULL or HDRS
    Column("size", BigInteger, nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
    Column("account_id", ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
)

queue_recipients = Table(
    "queue_recipients",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column(
        "message_id",
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("queue_messages.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("address", String(320), nullable=False),
    Column("domain", String(253), nullable=False),
    Column("orcpt", String(500), nullable=True),  # RFC 3461 §4.2, xtext-decoded
    Column("notify", String(40), nullable=False),  # RFC 3461 §4.1, comma-separated; "" absent
    Column("state", String(16), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_ms", BigInteger, nullable=False),
    Column("last_attempt_ms", BigInteger, nullable=True),
    Column("status", String(16), nullable=True),  # RFC 3463 enhanced status of the last try
    Column("last_error", String(1000), nullable=True),
    Column("last_reply", String(1000), nullable=True),
    Column("remote_mta", String(253), nullable=True),
    # The DSN action still owed to the sender (RFC 3464 §2.3.3), or NULL when none is.
    Column("report_due", String(16), nullable=True),
    Column("lease_owner", String(200), nullable=True),
    Column("lease_expires_ms", BigInteger, nullable=True),
    Index(None, "state", "next_attempt_ms"),
    Index(None, "message_id"),
    Index(None, "report_due"),
)

trusted_peers = Table(
    "trusted_peers",
    metadata,
    Column("domain", String(253), primary_key=True),
    Column("host", String(253), nullable=False),
    Column("port", Integer, nullable=False),
    Column("pem", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)
