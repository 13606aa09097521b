"""Typed rows handed across the store's interfaces (never SQLAlchemy rows)."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field


class AccountKind(enum.StrEnum):
    PROFESSIONAL = "professional"
    PATIENT = "patient"
    ORGANISATION = "organisation"
    APPLICATION = "application"


class CredentialKind(enum.StrEnum):
    PASSWORD = "password"
    APP_PASSWORD = "app"
    RECOVERY = "recovery"
    API_KEY = "api-key"


class SpecialUse(enum.StrEnum):
    """RFC 6154 §2 attributes of the folders every account gets."""

    DRAFTS = "\\Drafts"
    SENT = "\\Sent"
    TRASH = "\\Trash"
    JUNK = "\\Junk"
    ARCHIVE = "\\Archive"


DEFAULT_MAILBOXES: tuple[tuple[str, SpecialUse | None], ...] = (
    ("INBOX", None),
    ("Drafts", SpecialUse.DRAFTS),
    ("Sent", SpecialUse.SENT),
    ("Trash", SpecialUse.TRASH),
    ("Junk", SpecialUse.JUNK),
    ("Archive", SpecialUse.ARCHIVE),
)


@dataclass(frozen=True, slots=True)
class Domain:
    id: int
    name: str
    is_patient: bool


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    address: str
    domain_id: int
    kind: AccountKind
    display_name: str
    encryption_key: bytes
    signing_key: bytes
    disabled: bool


@dataclass(frozen=True, slots=True)
class NewCredential:
    kind: CredentialKind
    label: str
    lookup: bytes | None
    salt: bytes
    opslimit: int | None
    memlimit: int | None
    wrapped: bytes


@dataclass(frozen=True, slots=True)
class Credential:
    id: int
    account_id: int
    kind: CredentialKind
    label: str
    lookup: bytes | None
    salt: bytes
    opslimit: int | None
    memlimit: int | None
    wrapped: bytes
    created_at: int


@dataclass(frozen=True, slots=True)
class Mailbox:
    id: int
    account_id: int
    name: str
    special_use: str | None
    uidvalidity: int
    uidnext: int
    highestmodseq: int


@dataclass(frozen=True, slots=True)
class MessageIndexEntry:
    """What a session keeps per message: enough to number, flag and search by metadata."""

    uid: int
    modseq: int
    flags: frozenset[str]
    internal_date: int
    size: int


@dataclass(frozen=True, slots=True)
class MessageRecord:
    mailbox_id: int
    uid: int
    modseq: int
    flags: frozenset[str]
    internal_date: int
    size: int
    object_id: bytes
    sealed_key: bytes
    summary: bytes


@dataclass(frozen=True, slots=True)
class NewMessage:
    """An encrypted message ready to be committed by :meth:`MessageStore.append`."""

    object_id: bytes
    sealed_key: bytes
    summary: bytes
    content: bytes
    size: int
    internal_date: int
    flags: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Appended:
    mailbox_id: int
    uidvalidity: int
    uid: int
    modseq: int


@dataclass(frozen=True, slots=True)
class FlagUpdate:
    uid: int
    modseq: int
    flags: frozenset[str]


class FlagMode(enum.Enum):
    """STORE's three forms (RFC 3501 §6.4.6)."""

    REPLACE = "replace"
    ADD = "add"
    REMOVE = "remove"


def encode_flags(flags: frozenset[str]) -> str:
    return " ".join(sorted(flags))


@functools.lru_cache(maxsize=4096)
def decode_flags(text: str) -> frozenset[str]:
    """Interned: a mailbox has few distinct flag sets, so its rows share a handful of objects
    (bounded, since keywords are chosen by clients)."""
    return frozenset(text.split()) if text else frozenset()


class SortKey(enum.StrEnum):
    """The orders of a message list: on what is stored in the clear (mss/store/mailpage_sql.py)."""

    DATE = "date"
    SIZE = "size"


@dataclass(frozen=True, slots=True)
class MessageHead:
    """A message's clear columns without its sealed key and summary: what a message list reads,
    its summary coming from the mailbox's index (mss/reading)."""

    mailbox_id: int
    uid: int
    flags: frozenset[str]
    internal_date: int
    size: int
    object_id: bytes


@dataclass(frozen=True, slots=True)
class MessagePage:
    """One page of a mailbox, newest or oldest first, and how many messages it holds in all."""

    total: int
    heads: list[MessageHead]
