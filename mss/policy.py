"""Policy of the trust space (DESIGN.md), apart from any protocol.

- Mail is accepted only for local domains and existing recipients, and relayed only to domains
  of trusted operators; senders from outside the trust space are refused.
- An authenticated user sends only as their own address.
- Patient mailboxes receive from professionals and establishments; a patient may reply to a
  professional who has written to them, and may not open a conversation; a professional closes
  a conversation (mss/closing.py) until they write again.

SMTP and the webmail translate :class:`PolicyError` into their own replies.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from mss.addresses import InvalidAddress, domain_of, normalise_address
from mss.store.interfaces import AccountStore
from mss.store.records import Account, AccountKind


class Refusal(enum.Enum):
    UNKNOWN_RECIPIENT = "unknown recipient"
    RELAY_DENIED = "relay denied"
    SENDER_NOT_TRUSTED = "sender outside the trust space"
    NOT_YOUR_ADDRESS = "sender address not the account's"
    PATIENT_CANNOT_INITIATE = "patient opening a conversation"
    CONVERSATION_CLOSED = "conversation closed by the professional"
    PATIENT_RECIPIENT_REFUSED = "patient mailbox refuses this sender"
    BAD_ADDRESS = "malformed address"


class PolicyError(Exception):
    def __init__(self, refusal: Refusal, text: str) -> None:
        super().__init__(text)
        self.refusal = refusal
        self.text = text


class SenderKind(enum.StrEnum):
    """Who writes: decides what a patient mailbox accepts."""

    PROFESSIONAL = "professional"
    ORGANISATION = "organisation"
    APPLICATION = "application"
    PATIENT = "patient"


class TrustLookup(Protocol):
    async def is_trusted(self, domain: str) -> bool: ...


class Correspondents(Protocol):
    """Which professionals have written to which patient (kept as keyed hashes)."""

    async def add(self, patient_id: int, address: str) -> None: ...

    async def close(self, patient_id: int, address: str) -> None: ...

    async def has(self, patient_id: int, address: str) -> bool: ...

    async def closed(self, patient_id: int, address: str) -> bool: ...


class RemoteClassifier(Protocol):
    """What the directory says about an address of another operator."""

    async def kind_of(self, address: str) -> SenderKind | None: ...


@dataclass(frozen=True, slots=True)
class LocalRoute:
    address: str
    account: Account


@dataclass(frozen=True, slots=True)
class RemoteRoute:
    address: str
    domain: str


Route = LocalRoute | RemoteRoute

_KIND_OF_ACCOUNT = {
    AccountKind.PROFESSIONAL: SenderKind.PROFESSIONAL,
    AccountKind.ORGANISATION: SenderKind.ORGANISATION,
    AccountKind.APPLICATION: SenderKind.APPLICATION,
    AccountKind.PATIENT: SenderKind.PATIENT,
}


class Policy:
    def __init__(
        self,
        store: AccountStore,
        trust: TrustLookup,
        correspondents: Correspondents,
        remote: RemoteClassifier | None = None,
    ) -> None:
        self._store = store
        self._trust = trust
        self._correspondents = correspondents
        self._remote = remote

    async def route(self, recipient: str) -> Route:
        """Where a recipient's mail goes, or why it cannot (RFC 5321 §3.6 relaying)."""
        address = _normalised(recipient)
        domain = domain_of(address)
        if await self._store.get_domain(domain) is not None:
            account = await self._store.get_account(address)
            if account is None or account.disabled:
                raise PolicyError(
                    Refusal.UNKNOWN_RECIPIENT, f"No mailbox {address} here: check the address"
                )
            return LocalRoute(address, account)
        if await self._trust.is_trusted(domain):
            return RemoteRoute(address, domain)
        raise PolicyError(
            Refusal.RELAY_DENIED,
            f"Relay to {domain} denied: only domains of the health trust space can be reached",
        )

    async def check_inbound_sender(self, sender: str) -> None:
        """MX: the envelope sender must belong to a trusted operator (null sender allowed)."""
        if not sender:
            return
        domain = domain_of(_normalised(sender))
        if await self._store.get_domain(domain) is not None:
            raise PolicyError(
                Refusal.SENDER_NOT_TRUSTED,
                f"Mail from {domain} must be submitted with authentication, not relayed",
            )
        if not await self._trust.is_trusted(domain):
            raise PolicyError(
                Refusal.SENDER_NOT_TRUSTED,
                f"Mail from {domain} refused: it is not a domain of the health trust space",
            )

    def check_own_address(self, account: Account, address: str) -> None:
        """Submission: envelope sender and From must be the authenticated account's address."""
        try:
            normalised = normalise_address(address)
        except InvalidAddress as exc:
            if address:  # the null sender is valid syntax, only not this account's
                raise PolicyError(Refusal.BAD_ADDRESS, str(exc)) from exc
            normalised = address
        if normalised != account.address:
            raise PolicyError(
                Refusal.NOT_YOUR_ADDRESS,
                f"{address or '<>'} is not an address of {account.address}: "
                "send as your own address",
            )

    @staticmethod
    def kind_of_account(account: Account) -> SenderKind:
        return _KIND_OF_ACCOUNT[account.kind]

    async def sender_kind(self, sender: str) -> SenderKind:
        """Local accounts by their kind; other operators' addresses by the directory, and as
        professionals when the directory does not know them (only operators' users relay)."""
        account = await self._store.get_account(_normalised(sender)) if sender else None
        if account is not None:
            return _KIND_OF_ACCOUNT[account.kind]
        if self._remote is not None and sender:
            kind = await self._remote.kind_of(sender)
            if kind is not None:
                return kind
        return SenderKind.PROFESSIONAL

    async def check_patient_rules(
        self, sender: str, kind: SenderKind, route: Route, sender_account: Account | None
    ) -> None:
        recipient_is_patient = (
            isinstance(route, LocalRoute) and route.account.kind is AccountKind.PATIENT
        )
        if recipient_is_patient and kind is SenderKind.PATIENT:
            raise PolicyError(
                Refusal.PATIENT_RECIPIENT_REFUSED,
                "A patient mailbox receives from health professionals and establishments only",
            )
        if kind is SenderKind.PATIENT:
            patient = sender_account
            if patient is not None and await self._correspondents.closed(patient.id, route.address):
                raise PolicyError(
                    Refusal.CONVERSATION_CLOSED,
                    f"{route.address} closed this conversation: "
                    "you can reply again once they write to you",
                )
            if patient is None or not await self._correspondents.has(patient.id, route.address):
                raise PolicyError(
                    Refusal.PATIENT_CANNOT_INITIATE,
                    f"You can reply to {route.address} only after they have written to you: "
                    "a patient cannot start a conversation with a professional",
                )

    async def record_delivery(
        self, sender: str, kind: SenderKind, recipient: Account, closes: bool = False
    ) -> None:
        """Remember that a professional wrote to a patient, so the patient may reply, or that
        this message closed the conversation."""
        if recipient.kind is AccountKind.PATIENT and kind is not SenderKind.PATIENT and sender:
            if closes:
                await self._correspondents.close(recipient.id, _normalised(sender))
            else:
                await self._correspondents.add(recipient.id, _normalised(sender))

    async def conversation_closed(self, patient: Account, professional: str) -> bool:
        """Whether ``professional`` closed their conversation with ``patient`` (the webmail
        explains a refused reply before it is written)."""
        try:
            address = normalise_address(professional)
        except InvalidAddress:
            return False
        return await self._correspondents.closed(patient.id, address)


def _normalised(address: str) -> str:
    try:
        return normalise_address(address)
    except InvalidAddress as exc:
        raise PolicyError(Refusal.BAD_ADDRESS, str(exc)) from exc
