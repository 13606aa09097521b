"""Tables of the webmail (sessions, TOTP second factors) on the store's one ``metadata``.

Nothing here lets the server act for a patient on its own: a session row holds the account's
private keys only encrypted under a key that the browser's cookie alone carries, and is found by
a hash of the session id; its label (browser, address) is sealed to the account. A TOTP secret
is sealed to the account's public key and read only after a password has unlocked the keys;
``last_step`` (the last accepted RFC 6238 time step) is what refuses a code replayed. One index
on the mail store's ``messages`` is declared here too: it serves only the webmail's list.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, LargeBinary, String, Table

from mss.store.schema import messages, metadata

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lookup", LargeBinary(32), nullable=False, unique=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    # "totp" while the second factor is awaited, then "active".
    Column("stage", String(8), nullable=False),
    Column("sealed_keys", LargeBinary, nullable=False),
    Column("sealed_label", LargeBinary, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("last_seen_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Index(None, "account_id"),
    Index(None, "expires_at"),
)

web_totp = Table(
    "web_totp",
    metadata,
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("sealed_secret", LargeBinary, nullable=False),
    Column("last_step", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# The webmail lists a mailbox by date, a page at a time: with this index the page's rows are
# found without reading (and sorting) every row of the mailbox with its encrypted summary.
Index(None, messages.c.mailbox_id, messages.c.internal_date, messages.c.uid)

# TOTP recovery codes: one row per code not yet used, holding only its keyed hash (HMAC under a
# key derived from the sealed TOTP secret, mss/second_factor.py); using a code deletes its row.
web_totp_recovery = Table(
    "web_totp_recovery",
    metadata,
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("digest", LargeBinary(32), primary_key=True),
)
