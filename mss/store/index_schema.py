"""Table of the encrypted mailbox indexes (mss/reading/index.py) on the store's ``metadata``.

One row per mailbox: a blob sealed under the owner's index key (crypto/indexkey.py), and a
generation counter so that two sessions rewriting it at once cannot lose each other's write
unnoticed (the later one, which read an older generation, is refused and tries next time). The
index is a cache: every message still carries its own sealed summary, so a lost or refused write
only costs the next session some X25519 operations. No clear column says anything of its content.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, LargeBinary, Table

from mss.store.schema import metadata

mailbox_indexes = Table(
    "mailbox_indexes",
    metadata,
    Column("mailbox_id", ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True),
    Column("generation", BigInteger, nullable=False),
    Column("blob", LargeBinary, nullable=False),
)
