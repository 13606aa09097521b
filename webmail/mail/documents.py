""" "Mes documents" as the patient sees them: filtered by type, and which viewer previews each.

The filter runs over the decrypted list: a document's type is sealed with it, so the store
cannot select by type (and must not: it would be a clear column about the patient's health).
"""

from __future__ import annotations

from collections.abc import Sequence

from mss.vault.kinds import DOCUMENT_TYPES
from mss.vault.model import Document
from webmail.mail.view import viewer_of


def of_type(documents: Sequence[Document], doc_type: str | None) -> list[Document]:
    """The documents of one of :data:`DOCUMENT_TYPES`; all of them for no or an unknown type."""
    if doc_type not in DOCUMENT_TYPES:
        return list(documents)
    return [d for d in documents if d.meta.doc_type == doc_type]


def viewer(document: Document) -> str | None:
    """ "pdf", "image", or None: the same viewers as a message's attachments."""
    return viewer_of(document.meta.content_type, document.meta.filename)
