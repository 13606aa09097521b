"""Table of the national trust-space whitelist, on the store's one ``metadata``.

``whitelist_entries``: one row per (domain, operator certificate DN) of the last imported list
(``mss trust import-whitelist``). ``dn_key`` is the DN in a canonical form (mss/pki.py) so that a
peer's certificate subject can be looked up by equality; ``dn`` keeps the text of the file for
the operator. Domains and DNs are public data published by the national agency.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Text

from mss.store.schema import metadata

whitelist_entries = Table(
    "whitelist_entries",
    metadata,
    Column("domain", String(253), primary_key=True),
    Column("dn_key", String(1024), primary_key=True),
    Column("dn", Text, nullable=False),
    Index("ix_whitelist_entries_dn_key", "dn_key"),
)
