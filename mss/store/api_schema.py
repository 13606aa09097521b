"""Table of the establishments' API keys on the store's one ``metadata``.

``api_keys``: one row per key of an application or organisation account. The key itself is never
stored, only ``tag``, a keyed hash under a server secret (mss/api/keys.py); ``lookup`` is the
key's public identifier, ``scopes`` a comma-separated list, ``revoked_at`` set once revoked.
``salt`` and ``wrapped``: the account's private keys wrapped under a key derived from the API
key's secret part (like an app password), so each request unlocks the account for its duration;
a key issued before they existed has none and is refused.

``api_requests``: one row per ``Idempotency-Key`` an account used on ``POST /api/v1/messages``.
``tag`` is a keyed hash of (account, header value), never the value; ``answer`` the first
answer sealed to the account (null while the first request is still being handled).

``api_messages``: one row per message sent through the API, found by ``public_id`` (also the
message's RFC 3461 ENVID, which links it to its queue rows); ``sealed`` holds its recipients and
which were delivered here, sealed to the account, so the table alone says nothing of who was
written to.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, LargeBinary, String, Table

from mss.store.schema import metadata

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("lookup", String(24), nullable=False, unique=True),
    Column("tag", LargeBinary(32), nullable=False),
    Column("label", String(200), nullable=False),
    Column("scopes", String(200), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger, nullable=True),
    Column("salt", LargeBinary(16), nullable=True),
    Column("wrapped", LargeBinary, nullable=True),
)

api_requests = Table(
    "api_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("tag", LargeBinary(32), nullable=False, unique=True),
    Column("created_at", BigInteger, nullable=False),
    Column("answer", LargeBinary, nullable=True),
)

api_messages = Table(
    "api_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("public_id", String(40), nullable=False, unique=True),
    Column("created_at", BigInteger, nullable=False),
    Column("sealed", LargeBinary, nullable=False),
)
