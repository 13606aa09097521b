"""Webhook events of signature requests: every change the signature service writes (created,
a signer's view, signature or refusal, completion, cancellation). The first one sets the watch
by which the expiry worker, which holds no key, later finds the owner (mss/webhooks/events.py).
A failing webhook never fails the act: errors are logged."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from mss.signatures.lifecycle import RequestState, SignerState
from mss.signatures.ports import OpenedRequest
from mss.store.records import Account
from mss.webhooks.events import signature_subject
from mss.webhooks.service import WebhookService

log = logging.getLogger(__name__)


class OwnerLookup(Protocol):
    async def get_account(self, address: str) -> Account | None: ...


class SignatureEvents:
    """The signature service's observer (``SignatureObserver``)."""

    def __init__(self, hooks: WebhookService, accounts: OwnerLookup) -> None:
        self._hooks = hooks
        self._accounts = accounts

    async def changed(
        self, opened: OpenedRequest, previous: tuple[SignerState, ...] | None
    ) -> None:
        try:
            await self._changed(opened, previous)
        except Exception:
            log.exception("webhook events of signature request %s", opened.id)

    async def _changed(
        self, opened: OpenedRequest, previous: tuple[SignerState, ...] | None
    ) -> None:
        owner = await self._accounts.get_account(opened.organisation)
        if owner is None:
            return
        data: dict[str, Any] = {
            "signature_request_id": opened.id,
            "state": opened.state.value,
            "signers": [{"address": s.address, "state": s.state.value} for s in opened.signers],
        }
        if previous is None:
            reference = {"signature_request_id": opened.id}
            await self._hooks.watch(signature_subject(opened.id), owner.id, reference)
            await self._hooks.emit(owner.id, "signature_request.sent", data)
            return
        for signer, before in zip(opened.signers, previous, strict=True):
            if signer.state is not before:
                event = f"signature_request.signer_{signer.state.value}"
                await self._hooks.emit(owner.id, event, data | {"signer": signer.address})
        if opened.state is not RequestState.SENT:
            await self._hooks.emit(owner.id, f"signature_request.{opened.state.value}", data)
