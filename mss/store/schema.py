"""The tables of the mail store (SQLAlchemy Core).

Cleartext columns are only the metadata IMAP must sort, count and search on: names, UIDs, MODSEQs,
flags, sizes, dates. Everything a person wrote lives in ``summary`` and ``content``, encrypted
under a content key sealed to the owner (``sealed_key``). Timestamps are integer seconds since the
epoch, identical on SQLite and PostgreSQL.
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
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from mss.coarse import random_row_id

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

domains = Table(
    "domains",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(253), nullable=False, unique=True),
    Column("is_patient", Boolean, nullable=False, default=False),
    Column("created_at", BigInteger, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", String(320), nullable=False, unique=True),
    Column("domain_id", ForeignKey("domains.id", ondelete="RESTRICT"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("display_name", String(200), nullable=False, default=""),
    Column("encryption_key", LargeBinary(32), nullable=False),
    Column("signing_key", LargeBinary(32), nullable=False),
    Column("last_uidvalidity", BigInteger, nullable=False, default=0),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", BigInteger, nullable=False),
)

credentials = Table(
    "credentials",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("label", String(100), nullable=False, default=""),
    Column("lookup", LargeBinary(16), nullable=True, unique=True),
    Column("salt", LargeBinary(32), nullable=False),
    Column("opslimit", BigInteger, nullable=True),
    Column("memlimit", BigInteger, nullable=True),
    Column("wrapped", LargeBinary, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Index(None, "account_id", "kind"),
)

mailboxes = Table(
    "mailboxes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(1000), nullable=False),
    Column("special_use", String(16), nullable=True),
    Column("uidvalidity", BigInteger, nullable=False),
    Column("uidnext", BigInteger, nullable=False, default=1),
    Column("highestmodseq", BigInteger, nullable=False, default=1),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("account_id", "name"),
)

messages = Table(
    "messages",
    metadata,
    # Random, not counted: the copies of one message written together must not get adjacent ids
    # (mss/coarse.py).
    Column(
        "id",
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        default=random_row_id,
    ),
    Column("mailbox_id", ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
    Column("uid", BigInteger, nullable=False),
    Column("modseq", BigInteger, nullable=False),
    Column("flags", String(2000), nullable=False, default=""),
    Column("internal_date", BigInteger, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("object_id", LargeBinary(16), nullable=False),
    Column("sealed_key", LargeBinary, nullable=False),
    Column("summary", LargeBinary, nullable=False),
    UniqueConstraint("mailbox_id", "uid"),
    Index(None, "mailbox_id", "modseq"),
    Index(None, "object_id"),
)

# Encrypted bodies apart from their index rows, so listing a mailbox never reads them; one
# content row may back several messages (COPY within one owner's mailboxes shares it).
contents = Table(
    "contents",
    metadata,
    Column("object_id", LargeBinary(16), primary_key=True),
    Column("content", LargeBinary, nullable=False),
)

# Expunged UIDs with the MODSEQ of their removal: the VANISHED answers of QRESYNC (RFC 7162 §3.2).
expunged = Table(
    "expunged",
    metadata,
    Column("mailbox_id", ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True),
    Column("uid", BigInteger, primary_key=True),
    Column("modseq", BigInteger, nullable=False),
)

# Which professionals have written to which patient, as keyed hashes of their addresses
# (DESIGN.md policy: a patient may reply, not initiate). Without the server key, a dump does not
# tell who corresponds with whom.
correspondents = Table(
    "correspondents",
    metadata,
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", LargeBinary(32), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
)

import mss.store.queue_schema  # noqa: E402, F401  (adds the queue tables to this metadata)
from mss.store import (  # noqa: E402, F401  (webmail, vault and agenda tables)
    calendar_schema,
    vault_schema,
    webmail_schema,
)
