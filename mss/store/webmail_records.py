"""Typed rows of the webmail's tables, handed across the store's interface."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from mss.store.records import Account, MessageRecord


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


@dataclass(frozen=True, slots=True)
class MessagePage:
    """One page of a mailbox, newest or oldest first, and how many messages it holds in all."""

    total: int
    records: list[MessageRecord]


@dataclass(frozen=True, slots=True)
class MessageHead:
    """A message's clear columns without its sealed key and summary: what grouping a folder
    into conversations reads for messages whose list row the session has already opened."""

    mailbox_id: int
    uid: int
    flags: frozenset[str]
    internal_date: int
    size: int
    object_id: bytes
