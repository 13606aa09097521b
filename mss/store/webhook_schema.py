"""Tables of the signed webhooks on the store's one ``metadata``.

``webhook_endpoints``: one row per registered endpoint. ``owner_tag`` is a keyed hash of the
owning account (mss/webhooks/service.py), not its id; ``sealed`` holds the URL and the signing
secret, sealed to the server's queue key pair (mss/queuesealed.py), which the delivery worker
holds in a file and a database dump does not.

``webhook_deliveries``: the durable queue and the delivery log: one row per event and endpoint,
its body sealed the same way; in clear only what the worker schedules on (state, attempts, next
attempt) and what the log shows (event type, last HTTP status, short error).

``webhook_watches``: what an event found later belongs to (a sent message's Message-ID or
ENVID, a signature request's id), found by a keyed hash of that subject; ``sealed`` names the
owner and the API's own id of the thing watched.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, LargeBinary, String, Table

from mss.store.schema import metadata

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("public_id", String(32), nullable=False, unique=True),
    Column("owner_tag", LargeBinary(32), nullable=False, index=True),
    Column("sealed", LargeBinary, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("public_id", String(40), nullable=False, unique=True),
    Column(
        "endpoint_id",
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("event_type", String(64), nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_at", BigInteger, nullable=False),
    Column("last_status", Integer, nullable=True),
    Column("last_error", String(200), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("finished_at", BigInteger, nullable=True),
    Index(None, "state", "next_at"),
)

webhook_watches = Table(
    "webhook_watches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tag", LargeBinary(32), nullable=False, unique=True),
    Column("sealed", LargeBinary, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)
