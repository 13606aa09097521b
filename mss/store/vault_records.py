"""Typed rows of the document vault."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NewDocument:
    """An encrypted document ready to be committed (see ``webmail.vault.crypto``)."""

    object_id: bytes
    sealed_key: bytes
    meta: bytes
    content: bytes
    size: int
    created_at: int


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
