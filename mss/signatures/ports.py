"""What the signature service is given and gives back: the requests it takes, the views it
returns, the acts' authors, its errors, and the narrow Protocols of the parts it calls (the
store, accounts, the one sending and receiving paths, the vault)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from mss.accounts import UnlockedAccount
from mss.policy import SenderKind
from mss.signatures import document
from mss.signatures.audit import AuditEvent
from mss.signatures.evidence import Evidence
from mss.signatures.lifecycle import RequestState, SignerState
from mss.store.records import Account
from mss.store.signature_records import SignatureRow
from mss.submission import Envelope

CONSENT = (
    "J'ai lu l'intégralité du document et je le signe électroniquement. Je sais que cette "
    "signature a la même valeur que ma signature manuscrite."
)
"""The text the signer ticks; the evidence and the audit trail record it word for word."""

MAX_SIGNERS = 20
MAX_TITLE = 200
MAX_NOTE = 4000
MAX_REASON = 1000


class UnknownRequest(Exception):
    """No request with this id that the account may see."""


class UnknownSigner(ValueError):
    """A signer is not an account of this server (signers sign in here to sign)."""


class SignatureStore(Protocol):
    async def add(self, row: SignatureRow) -> None: ...

    async def get(self, public_id: bytes) -> SignatureRow | None: ...

    async def replace(
        self, row: SignatureRow, expected_revision: int, expected_state: str
    ) -> bool: ...

    async def due_to_expire(self, now: int, open_state: str) -> list[SignatureRow]: ...

    async def set_states(
        self,
        public_id: bytes,
        expected_revision: int,
        from_state: str,
        state: str,
        signer_states: tuple[str, ...],
    ) -> bool: ...


class AccountLookup(Protocol):
    async def get_account(self, address: str) -> Account | None: ...


class Sender(Protocol):
    """The one sending path: the organisation's invitations go out as its own mail."""

    async def check_recipient(self, account: Account, address: str) -> Any: ...

    async def submit(self, sender: UnlockedAccount, envelope: Envelope, raw: bytes) -> Any: ...


class Receiver(Protocol):
    """The one receiving path, for notices written in a signer's session on the
    organisation's behalf (the next signer's turn, the signed copy)."""

    async def receive(
        self, sender: str, kind: SenderKind, recipient: Account, raw: bytes
    ) -> Any: ...


class SignedCopyFiler(Protocol):
    """Where a signer's copy of the signed PDF is filed (the patient's document vault)."""

    async def file_signed(self, owner: Account, pdf: bytes, title: str, filename: str) -> None: ...


class SignatureObserver(Protocol):
    """Told of every change once it is written (webhooks): ``previous`` holds the signers'
    states before the change, ``None`` for a new request."""

    async def changed(
        self, opened: OpenedRequest, previous: tuple[SignerState, ...] | None
    ) -> None: ...


class SignerRegistry(Protocol):
    """Where a professional signer's RPPS number comes from (the national directory), so that
    their certificate names them as the health directory does."""

    async def rpps_of(self, address: str) -> str | None: ...


class ReminderScheduler(Protocol):
    """Keeps the reminders written with a request (mss/signatures/reminders.py)."""

    async def schedule(
        self,
        public_id: bytes,
        organisation: str,
        dates: Sequence[datetime],
        messages: Sequence[tuple[str, bytes]],
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class NewSignatureRequest:
    title: str
    pdf: bytes
    signers: Sequence[str]
    expires_at: datetime
    ordered: bool = True
    note: str = ""
    filename: str = "document.pdf"
    placements: Sequence[document.Placement] | None = None
    reminder_days: Sequence[int] = ()
    """Days after sending when signers who have not acted yet are reminded."""


@dataclass(frozen=True, slots=True)
class SignerView:
    address: str
    name: str
    state: SignerState


@dataclass(frozen=True, slots=True)
class OpenedRequest:
    """A request as one participant sees it."""

    id: str
    title: str
    note: str
    filename: str
    organisation: str
    organisation_name: str
    state: RequestState
    expires_at: datetime
    signers: tuple[SignerView, ...]
    document: bytes
    trail: tuple[AuditEvent, ...]
    evidence: tuple[Evidence, ...]
    decline_reason: str = ""

    def signer(self, address: str) -> SignerView | None:
        for view in self.signers:
            if view.address.lower() == address.lower():
                return view
        return None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, from where: recorded in the audit trail."""

    who: UnlockedAccount
    ip: str = ""
    user_agent: str = ""
