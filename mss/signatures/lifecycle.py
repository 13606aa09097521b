"""The states of a signature request and who may act on it next.

A request is sent to signers either in order (each signer's turn comes when the previous one
has signed) or in parallel. It completes when every signer has signed; one refusal declines it;
it expires at its deadline and may be cancelled by the organisation that sent it. Every change
is refused unless the current state allows it, so a replayed or out-of-turn request changes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class SignerState(StrEnum):
    WAITING = "waiting"
    """Not their turn yet (ordered requests)."""
    SENT = "sent"
    VIEWED = "viewed"
    SIGNED = "signed"
    DECLINED = "declined"


class RequestState(StrEnum):
    SENT = "sent"
    COMPLETED = "completed"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class NotAllowed(Exception):
    """The request's state does not allow this act (already signed, not their turn, over)."""


@dataclass(frozen=True, slots=True)
class Signer:
    address: str
    state: SignerState


@dataclass(frozen=True, slots=True)
class Request:
    signers: tuple[Signer, ...]
    ordered: bool
    expires_at: datetime
    state: RequestState = RequestState.SENT

    @classmethod
    def new(cls, addresses: list[str], ordered: bool, expires_at: datetime) -> Request:
        if not addresses:
            raise ValueError("a signature request needs at least one signer")
        if len({a.lower() for a in addresses}) != len(addresses):
            raise ValueError("a signer appears twice")
        first = SignerState.SENT
        rest = SignerState.WAITING if ordered else SignerState.SENT
        signers = tuple(
            Signer(address, first if index == 0 else rest)
            for index, address in enumerate(addresses)
        )
        return cls(signers, ordered, expires_at)

    def index_of(self, address: str) -> int:
        for index, signer in enumerate(self.signers):
            if signer.address.lower() == address.lower():
                return index
        raise NotAllowed("not a signer of this request")

    def may_act(self, address: str, now: datetime) -> int:
        """The signer's index when they may view, sign or decline now."""
        self._open(now)
        index = self.index_of(address)
        if self.signers[index].state not in (SignerState.SENT, SignerState.VIEWED):
            raise NotAllowed("this signer cannot act on the request now")
        return index

    def viewed(self, address: str, now: datetime) -> Request:
        index = self.may_act(address, now)
        return self._set(index, SignerState.VIEWED)

    def signed(self, address: str, now: datetime) -> Request:
        index = self.may_act(address, now)
        if self.signers[index].state is not SignerState.VIEWED:
            raise NotAllowed("the document must be read before it is signed")
        done = self._set(index, SignerState.SIGNED)
        if all(s.state is SignerState.SIGNED for s in done.signers):
            return replace(done, state=RequestState.COMPLETED)
        if self.ordered:
            return done._set(index + 1, SignerState.SENT)
        return done

    def declined(self, address: str, now: datetime) -> Request:
        index = self.may_act(address, now)
        return replace(self._set(index, SignerState.DECLINED), state=RequestState.DECLINED)

    def cancelled(self, now: datetime) -> Request:
        self._open(now)
        return replace(self, state=RequestState.CANCELLED)

    def expired(self, now: datetime) -> Request:
        if self.state is not RequestState.SENT or now < self.expires_at:
            raise NotAllowed("the request is not due to expire")
        return replace(self, state=RequestState.EXPIRED)

    def next_signer(self) -> int | None:
        """In an ordered request, whose turn it is."""
        for index, signer in enumerate(self.signers):
            if signer.state in (SignerState.SENT, SignerState.VIEWED):
                return index
        return None

    def _open(self, now: datetime) -> None:
        if self.state is not RequestState.SENT:
            raise NotAllowed(f"the request is {self.state.value}")
        if now >= self.expires_at:
            raise NotAllowed("the request has expired")

    def _set(self, index: int, state: SignerState) -> Request:
        signers = list(self.signers)
        signers[index] = replace(signers[index], state=state)
        return replace(self, signers=tuple(signers))
