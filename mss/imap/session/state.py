"""What a session knows, as command handlers see it, and what a handler hands back.

Handlers receive the ``SessionState`` and return ``Done`` (or raise an ``ImapError``); they never
write a tagged reply themselves, so the session alone decides what is sent around it.
"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from mss.accounts import UnlockedAccount
from mss.imap.selected.recent import RecentTracker
from mss.imap.selected.selected import SelectedMailbox
from mss.imap.selected.snapshot import SnapshotCache
from mss.imap.session.settings import ImapSettings
from mss.imap.wire import codes
from mss.imap.wire.codes import Code
from mss.imap.wire.command import ParseOptions
from mss.signin import SignInService
from mss.store.changes import ChangeFeed, Subscription
from mss.store.interfaces import Store


class State(Enum):
    """RFC 3501 §3: the connection states."""

    NOT_AUTHENTICATED = "not authenticated"
    AUTHENTICATED = "authenticated"
    SELECTED = "selected"
    LOGOUT = "logout"


@dataclass(frozen=True, slots=True)
class ImapServices:
    """The parts of the runtime the IMAP server uses, shared by all its sessions."""

    store: Store
    signin: SignInService
    feed: ChangeFeed
    settings: ImapSettings
    tls: ssl.SSLContext | None
    recent: RecentTracker
    snapshots: SnapshotCache = field(default_factory=SnapshotCache)


@dataclass(frozen=True, slots=True)
class Done:
    """A command's successful completion: the tagged OK's text and code.

    ``after`` runs once the OK is on the wire (STARTTLS and COMPRESS switch the stream there);
    ``close`` ends the connection after it (LOGOUT).
    """

    text: str
    code: str | Code | None = None
    after: Callable[[], Awaitable[None]] | None = None
    close: bool = False


class SessionEnd(Exception):
    """The server ends the session: the session sends ``* BYE text`` and closes."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class Channel(Protocol):
    """The session's side of the connection, for handlers that talk beyond one reply."""

    def send(self, data: bytes) -> None:
        """Queue a response."""

    async def flush(self) -> None:
        """Send what is queued."""

    async def next_line(self) -> bytes:
        """The client's next line (a SASL response, IDLE's DONE)."""

    async def start_tls(self) -> None:
        """Negotiate TLS now, dropping any input sent before (RFC 3501 §6.2.1)."""

    async def start_compression(self) -> None:
        """Compress both directions from now on (RFC 4978 §3)."""


class SessionState:
    """One connection's state: who is logged in, what is selected, what is enabled."""

    def __init__(
        self, services: ImapServices, channel: Channel, *, tls: bool, peer: str = "-"
    ) -> None:
        self.services = services
        self.channel = channel
        self.tls = tls
        self.peer = peer
        self.compressed = False
        self.user: UnlockedAccount | None = None
        self.selected: SelectedMailbox | None = None
        self.subscription: Subscription | None = None
        self.enabled: set[str] = set()
        self.auth_failures = 0
        self.logging_out = False

    @property
    def state(self) -> State:
        """The RFC 3501 §3 state this session is in."""
        if self.logging_out:
            return State.LOGOUT
        if self.user is None:
            return State.NOT_AUTHENTICATED
        return State.AUTHENTICATED if self.selected is None else State.SELECTED

    @property
    def store(self) -> Store:
        """The store, for brevity in handlers."""
        return self.services.store

    @property
    def account(self) -> UnlockedAccount:
        """The logged-in account; the state check guarantees one before any handler asks."""
        if self.user is None:
            raise RuntimeError("no account is logged in")
        return self.user

    @property
    def mailbox(self) -> SelectedMailbox:
        """The selected mailbox; the state check guarantees one before any handler asks."""
        if self.selected is None:
            raise RuntimeError("no mailbox is selected")
        return self.selected

    @property
    def options(self) -> ParseOptions:
        """What the parser must know of enabled extensions."""
        return ParseOptions(utf8=self.utf8)

    @property
    def utf8(self) -> bool:
        """RFC 6855 §3: UTF8=ACCEPT changes how mailbox names and strings travel."""
        return codes.CAP_UTF8_ACCEPT in self.enabled

    @property
    def condstore(self) -> bool:
        """RFC 7162 §3.1: CONDSTORE is on (enabled, or by a command that implies it)."""
        return codes.CAP_CONDSTORE in self.enabled

    @property
    def qresync(self) -> bool:
        """RFC 7162 §3.2.3: QRESYNC is on."""
        return codes.CAP_QRESYNC in self.enabled

    def capabilities(self) -> list[str]:
        """The CAPABILITY list for this moment of the session (RFC 3501 §7.2.1)."""
        caps = [codes.CAP_IMAP4REV1, codes.CAP_LITERAL_PLUS, codes.CAP_SASL_IR, codes.CAP_ID]
        caps += [codes.CAP_ENABLE, codes.CAP_IDLE]
        if self.user is None:
            if self.tls:
                caps.append(codes.CAP_AUTH_PLAIN)
            else:
                # RFC 3501 §6.2.1 and §7.2.1: offer TLS (when there is a certificate), and
                # refuse plaintext passwords before it.
                if self.services.tls is not None:
                    caps.append(codes.CAP_STARTTLS)
                caps.append(codes.CAP_LOGINDISABLED)
            return caps
        caps += [
            codes.CAP_NAMESPACE, codes.CAP_UIDPLUS, codes.CAP_MOVE, codes.CAP_UNSELECT,
            codes.CAP_CHILDREN, codes.CAP_SPECIAL_USE, codes.CAP_CREATE_SPECIAL_USE,
            codes.CAP_CONDSTORE, codes.CAP_QRESYNC, codes.CAP_ESEARCH, codes.CAP_LIST_EXTENDED,
            codes.CAP_LIST_STATUS, codes.CAP_UTF8_ACCEPT, codes.CAP_SORT, codes.CAP_SORT_DISPLAY,
            codes.CAP_THREAD_ORDEREDSUBJECT, codes.CAP_THREAD_REFERENCES, codes.CAP_ESORT,
            codes.CAP_SEARCHRES, codes.CAP_MULTIAPPEND, codes.CAP_BINARY,
            codes.CAP_CATENATE, codes.CAP_CONTEXT_SEARCH,
            f"{codes.CAP_APPENDLIMIT}={self.services.settings.append_limit}",
        ]  # fmt: skip
        if not self.compressed:
            caps.append(codes.CAP_COMPRESS_DEFLATE)
        return caps
