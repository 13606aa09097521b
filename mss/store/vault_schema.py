"""Tables of the document vault on the store's one ``metadata``.

A document is encrypted exactly like a message: a random content key sealed to the owner
(``sealed_key``), and under it the metadata (title, type, source, file name, media type, the
document's own date) and the content, each bound to the document's random ``object_id`` and its
role. Only ids, the size and the date it was filed are in the clear, with ``content_tag``: a tag
of the content keyed by the server secret and the owner, unique per owner, so identical content
saved twice is one document (null for documents filed before it existed). Contents live apart
from the index rows so that listing the vault never reads them.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, LargeBinary, Table

from mss.store.schema import metadata

vault_documents = Table(
    "vault_documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("object_id", LargeBinary(16), nullable=False, unique=True),
    Column("sealed_key", LargeBinary, nullable=False),
    Column("meta", LargeBinary, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("content_tag", LargeBinary(32), nullable=True),
    Index(None, "account_id", "created_at"),
    Index(None, "account_id", "content_tag", unique=True),
)

vault_contents = Table(
    "vault_contents",
    metadata,
    Column(
        "object_id",
        ForeignKey("vault_documents.object_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("content", LargeBinary, nullable=False),
)
