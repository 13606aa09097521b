"""The "displayed" MDN a patient sends when opening a message in the webmail (RFC 8098 §3.2.6).

The patient chooses once: ask each time (the default), always, never. The stored copy has no
Return-Path, so a request is honoured only if the delivery observer found it answerable
(Return-Path, trust space: its "processed" tag is in the ledger). ``$MDNSent`` (RFC 3503 §3) is
set whatever the answer, so no IMAP client asks again, and a message an IMAP client already
answered (``$MDNSent`` set there) is never answered twice; the ledger's "displayed" tag, claimed
before sending, keeps two browser tabs from sending two.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, Protocol

from mss.receipts.ledger import receipt_tag
from mss.receipts.mdn import DISPLAYED_BY_SETTING, MANUAL, Disposition, build_mdn
from mss.receipts.processed import ReportSender
from mss.receipts.rules import Request, read_header, receipt_request
from mss.receipts.texts import displayed_text
from mss.store.records import Account, FlagMode

MDN_SENT = "$MDNSent"  # RFC 3503 §3


class ReceiptMode(enum.StrEnum):
    ASK = "ask"
    ALWAYS = "always"
    NEVER = "never"


class DisplayedStore(Protocol):
    async def claim(self, account_id: int, tag: bytes) -> bool: ...

    async def has(self, account_id: int, tag: bytes) -> bool: ...

    async def receipt_mode(self, account_id: int) -> str | None: ...

    async def set_receipt_mode(self, account_id: int, mode: str) -> None: ...


class FlagStore(Protocol):
    async def store_flags(
        self, mailbox_id: int, uids: Sequence[int], mode: FlagMode, flags: frozenset[str]
    ) -> Any: ...


class DisplayedReceipts:
    def __init__(
        self,
        ledger: DisplayedStore,
        flags: FlagStore,
        sender: ReportSender,
        secret: bytes,
        hostname: str,
    ) -> None:
        self._ledger = ledger
        self._flags = flags
        self._sender = sender
        self._secret = secret
        self._hostname = hostname

    async def mode(self, account: Account) -> ReceiptMode:
        stored = await self._ledger.receipt_mode(account.id)
        try:
            return ReceiptMode(stored or ReceiptMode.ASK)
        except ValueError:
            return ReceiptMode.ASK

    async def set_mode(self, account: Account, mode: ReceiptMode) -> None:
        await self._ledger.set_receipt_mode(account.id, mode.value)

    async def pending(self, account: Account, raw: bytes, flags: frozenset[str]) -> Request | None:
        """The request a "displayed" MDN would answer, or ``None`` if none may be sent."""
        if MDN_SENT in flags:
            return None
        request = receipt_request(read_header(raw))
        if not isinstance(request, Request):
            return None
        answerable = receipt_tag(self._secret, account.id, request.message_id, "processed")
        return request if await self._ledger.has(account.id, answerable) else None

    async def opened(
        self, account: Account, mailbox_id: int, uid: int, raw: bytes, flags: frozenset[str]
    ) -> Request | None:
        """The message is shown: send or decline by the setting; the request if we must ask."""
        request = await self.pending(account, raw, flags)
        if request is None:
            return None
        mode = await self.mode(account)
        if mode is ReceiptMode.ASK:
            return request
        await self._answer(account, mailbox_id, uid, raw, request, mode is ReceiptMode.ALWAYS)
        return None

    async def answer(
        self,
        account: Account,
        mailbox_id: int,
        uid: int,
        raw: bytes,
        flags: frozenset[str],
        send: bool,
    ) -> bool:
        """The patient's answer to the prompt; ``True`` if an MDN went out."""
        request = await self.pending(account, raw, flags)
        if request is None:
            return False
        return await self._answer(account, mailbox_id, uid, raw, request, send, by_hand=True)

    async def _answer(
        self,
        account: Account,
        mailbox_id: int,
        uid: int,
        raw: bytes,
        request: Request,
        send: bool,
        by_hand: bool = False,
    ) -> bool:
        tag = receipt_tag(self._secret, account.id, request.message_id, "displayed")
        claimed = send and await self._ledger.claim(account.id, tag)
        await self._flags.store_flags(mailbox_id, [uid], FlagMode.ADD, frozenset({MDN_SENT}))
        if not claimed:
            return False
        original = read_header(raw)
        disposition = Disposition(
            original_message_id=request.message_id,
            final_recipient=account.address,
            original_recipient=None,
            action_mode=MANUAL if by_hand else DISPLAYED_BY_SETTING,
            disposition_type="displayed",
        )
        report = build_mdn(
            original,
            reporting_ua=f"{self._hostname}; MSS webmail",
            sender=account.address,
            to=request.to,
            disposition=disposition,
            human_text=displayed_text(str(original.get("Subject", "")), account.address),
        )
        await self._sender.send_report(account, request.to, report.as_bytes())
        return True
