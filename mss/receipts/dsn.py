"""Read RFC 3464 delivery status notifications, as the queue writes and peers send.

Bounded like the MDN reader: a malformed report yields ``None``, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message

from mss.receipts.mdn import MAX_FIELD, MAX_PARTS

# RFC 3464 §2.3.3: the Action field values.
ACTIONS = frozenset({"failed", "delayed", "delivered", "relayed", "expanded"})
MAX_RECIPIENTS = 1000


@dataclass(frozen=True)
class RecipientStatus:
    """One per-recipient block of a DSN (RFC 3464 §2.3)."""

    final_recipient: str
    original_recipient: str | None
    action: str
    status: str


@dataclass(frozen=True)
class DeliveryReport:
    """The per-message fields (RFC 3464 §2.2) and each recipient's block."""

    envelope_id: str | None
    recipients: tuple[RecipientStatus, ...]


def parse_dsn(message: Message) -> DeliveryReport | None:
    """Read a ``multipart/report; report-type=delivery-status``; ``None`` if malformed."""
    if message.get_content_type() != "multipart/report":
        return None
    if str(message.get_param("report-type", "")).lower() != "delivery-status":
        return None
    payload = message.get_payload()
    if not isinstance(payload, list) or not 2 <= len(payload) <= MAX_PARTS:
        return None
    part = payload[1]
    if not isinstance(part, Message) or part.get_content_type() != "message/delivery-status":
        return None
    blocks = _blocks(part)
    if not blocks or len(blocks) > MAX_RECIPIENTS + 1:
        return None
    recipients = [r for r in (_recipient(b) for b in blocks[1:]) if r is not None]
    if len(recipients) != len(blocks) - 1 or not recipients:
        return None
    return DeliveryReport(
        envelope_id=blocks[0].get("original-envelope-id"), recipients=tuple(recipients)
    )


def _blocks(part: Message) -> list[dict[str, str]] | None:
    """Field groups separated by blank lines (RFC 3464 §2.1)."""
    raw = part.get_payload(decode=False)
    if isinstance(raw, list):  # the email package parses each group as a header block
        groups = [[(k, str(v)) for k, v in m.items()] for m in raw if isinstance(m, Message)]
    elif isinstance(raw, str):
        groups = []
        current: list[tuple[str, str]] = []
        for line in [*raw.replace("\r\n", "\n").split("\n"), ""]:
            if not line.strip():
                if current:
                    groups.append(current)
                current = []
            elif line[:1] in (" ", "\t") and current:
                current[-1] = (current[-1][0], current[-1][1] + " " + line.strip())
            elif ":" in line:
                name, _, value = line.partition(":")
                current.append((name, value.strip()))
    else:
        return None
    blocks: list[dict[str, str]] = []
    for group in groups:
        block: dict[str, str] = {}
        for name, value in group:
            if len(value) > MAX_FIELD:
                return None
            block.setdefault(name.strip().lower(), value.strip())
        blocks.append(block)
    return blocks


def _typed(value: str | None) -> str | None:
    if value is None:
        return None
    _, sep, address = value.partition(";")
    return address.strip() or None if sep else None


def _recipient(block: dict[str, str]) -> RecipientStatus | None:
    final = _typed(block.get("final-recipient"))
    action = block.get("action", "").lower()
    status = block.get("status", "")
    if final is None or action not in ACTIONS or not status:
        return None
    return RecipientStatus(
        final_recipient=final,
        original_recipient=_typed(block.get("original-recipient")),
        action=action,
        status=status.split()[0],
    )
