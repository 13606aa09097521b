"""Who may act on a signature request, and when: every out-of-turn or repeated act is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from mss.signatures.lifecycle import NotAllowed, Request, RequestState, SignerState

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=7)
PATIENT, DOCTOR = "p@patient.example", "d@hopital.example"


def test_ordered_signers_sign_in_turn_and_the_request_completes() -> None:
    request = Request.new([PATIENT, DOCTOR], ordered=True, expires_at=LATER)
    assert [s.state for s in request.signers] == [SignerState.SENT, SignerState.WAITING]
    with pytest.raises(NotAllowed):
        request.viewed(DOCTOR, NOW)  # not their turn
    with pytest.raises(NotAllowed, match="read before"):
        request.signed(PATIENT, NOW)  # consent follows reading
    request = request.viewed(PATIENT, NOW).signed(PATIENT, NOW)
    assert request.next_signer() == 1
    with pytest.raises(NotAllowed):
        request.signed(PATIENT, NOW)  # a signer signs once
    request = request.viewed(DOCTOR, NOW).signed(DOCTOR, NOW)
    assert request.state is RequestState.COMPLETED
    with pytest.raises(NotAllowed):
        request.cancelled(NOW)


def test_parallel_signers_may_sign_in_any_order() -> None:
    request = Request.new([PATIENT, DOCTOR], ordered=False, expires_at=LATER)
    request = request.viewed(DOCTOR, NOW).signed(DOCTOR, NOW)
    assert request.state is RequestState.SENT
    request = request.viewed(PATIENT, NOW).signed(PATIENT, NOW)
    assert request.state is RequestState.COMPLETED


def test_a_refusal_ends_the_request_and_strangers_cannot_act() -> None:
    request = Request.new([PATIENT, DOCTOR], ordered=False, expires_at=LATER)
    with pytest.raises(NotAllowed, match="not a signer"):
        request.viewed("intrus@patient.example", NOW)
    declined = request.declined(DOCTOR, NOW)
    assert declined.state is RequestState.DECLINED
    with pytest.raises(NotAllowed):
        declined.viewed(PATIENT, NOW)


def test_expiry_and_cancellation() -> None:
    request = Request.new([PATIENT], ordered=True, expires_at=LATER)
    with pytest.raises(NotAllowed):
        request.expired(NOW)
    with pytest.raises(NotAllowed, match="expired"):
        request.viewed(PATIENT, LATER)
    assert request.expired(LATER).state is RequestState.EXPIRED
    cancelled = request.cancelled(NOW)
    assert cancelled.state is RequestState.CANCELLED
    with pytest.raises(NotAllowed):
        cancelled.viewed(PATIENT, NOW)


def test_a_request_needs_distinct_signers() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Request.new([], ordered=True, expires_at=LATER)
    with pytest.raises(ValueError, match="twice"):
        Request.new([PATIENT, PATIENT.upper()], ordered=True, expires_at=LATER)


def _refusal(act: Callable[..., object], *args: object) -> str:
    with pytest.raises(NotAllowed) as refused:
        act(*args)
    return str(refused.value)


def test_three_ordered_signers_take_their_turns_one_after_the_other() -> None:
    nurse = "n@hopital.example"
    request = Request.new([PATIENT, DOCTOR, nurse], ordered=True, expires_at=LATER)
    request = request.viewed(PATIENT, NOW).signed(PATIENT, NOW)
    assert [s.state for s in request.signers] == [
        SignerState.SIGNED,
        SignerState.SENT,
        SignerState.WAITING,
    ]
    assert _refusal(request.viewed, nurse, NOW) == "this signer cannot act on the request now"
    request = request.viewed(DOCTOR, NOW).signed(DOCTOR, NOW)
    assert [s.state for s in request.signers][2] is SignerState.SENT
    declined = request.declined(nurse, NOW)
    assert [s.state for s in declined.signers] == [
        SignerState.SIGNED,
        SignerState.SIGNED,
        SignerState.DECLINED,
    ]
    assert declined.state is RequestState.DECLINED


def test_each_refusal_says_why() -> None:
    with pytest.raises(ValueError, match=r"^a signature request needs at least one signer$"):
        Request.new([], ordered=False, expires_at=LATER)
    with pytest.raises(ValueError, match=r"^a signer appears twice$"):
        Request.new([PATIENT, PATIENT.upper()], ordered=False, expires_at=LATER)
    request = Request.new([PATIENT], ordered=False, expires_at=LATER)
    assert _refusal(request.viewed, DOCTOR, NOW) == "not a signer of this request"
    assert _refusal(request.signed, PATIENT, NOW) == "the document must be read before it is signed"
    assert _refusal(request.viewed, PATIENT, LATER) == "the request has expired"
    assert _refusal(request.expired, NOW) == "the request is not due to expire"
    cancelled = request.cancelled(NOW)
    assert _refusal(cancelled.viewed, PATIENT, NOW) == "the request is cancelled"
    assert _refusal(cancelled.expired, LATER) == "the request is not due to expire"
