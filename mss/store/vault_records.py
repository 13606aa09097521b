"""Typed rows of the document vault."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NewDocument:
    """An encrypted document ready to be committed (see ``mss.vault.sealing``); ``content_tag``
    is the keyed tag that makes identical content one document per owner."""

    object_id: bytes
    sealed_key: bytes
    meta: bytes
    content: bytes
    size: int
    created_at: int
    content_tag: bytes


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """A vault entry without its content: what listing needs."""

    id: int
    account_id: int
    object_id: bytes
    sealed_key: bytes
    meta: bytes
    size: int
    created_at: int
