"""Typed rows of signature requests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SignatureRow:
    """One request as stored: clear states, sealed body and document."""

    public_id: bytes
    state: str
    signer_states: tuple[str, ...]
    ordered: bool
    expires_at: int
    revision: int
    body: bytes
    document: bytes
    sealed_keys: tuple[bytes, ...] = ()
