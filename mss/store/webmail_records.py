"""Typed rows of the webmail's tables, handed across the store's interface."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from mss.store.records import Account


class SessionStage(enum.StrEnum):
    AWAITING_TOTP = "totp"
    ACTIVE = "active"


@dataclass(frozen=True, slots=True)
class NewWebSession:
    lookup: bytes
    account_id: int
    stage: SessionStage
    sealed_keys: bytes
    sealed_label: bytes
    created_at: int
    expires_at: int


@dataclass(frozen=True, slots=True)
class WebSessionRecord:
    id: int
    lookup: bytes
    account_id: int
    stage: SessionStage
    sealed_keys: bytes
    sealed_label: bytes
    created_at: int
    last_seen_at: int
    expires_at: int


@dataclass(frozen=True, slots=True)
class SessionWithAccount:
    """One read per request: the session row and the account it belongs to."""

    session: WebSessionRecord
    account: Account


@dataclass(frozen=True, slots=True)
class TotpRecord:
    account_id: int
    sealed_secret: bytes
    last_step: int
    created_at: int
