"""Table of the credential generations (mss/generations.py) on the store's one ``metadata``.

``credential_generations``: one row per account whose credentials were ever changed in a way
that ends its sessions, holding a counter. In the database rather than in one process, so that
every worker process serving IMAP or SMTP sees the same counter. An account without a row is at
generation 0. Only numbers: nothing a person wrote.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Table

from mss.store.schema import metadata

credential_generations = Table(
    "credential_generations",
    metadata,
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("generation", BigInteger, nullable=False),
)
