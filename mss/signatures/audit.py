"""The audit trail of a signature request: events in a hash chain, rendered in French.

Each event's hash covers its fields and the previous event's hash, so removing, reordering or
editing one event breaks every later link; the final hash is printed on the "certificat de
signature" page, which the operator signs last.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

GENESIS = "0" * 64
PARIS = ZoneInfo("Europe/Paris")


class EventKind(StrEnum):
    SENT = "sent"
    OPENED = "opened"
    VIEWED = "viewed"
    SIGNED = "signed"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


_FRENCH = {
    EventKind.SENT: "demande envoyée à",
    EventKind.OPENED: "document ouvert par",
    EventKind.VIEWED: "document lu jusqu'à la dernière page par",
    EventKind.SIGNED: "document signé par",
    EventKind.DECLINED: "signature refusée par",
    EventKind.EXPIRED: "demande expirée pour",
    EventKind.CANCELLED: "demande annulée par",
    EventKind.COMPLETED: "toutes les signatures recueillies :",
}


@dataclass(frozen=True, slots=True)
class AuditEvent:
    kind: EventKind
    at: str
    """ISO 8601, UTC."""
    who: str
    ip: str = ""
    user_agent: str = ""
    detail: str = ""
    previous: str = GENESIS
    digest: str = ""

    def payload(self) -> bytes:
        fields = asdict(self)
        fields.pop("digest")
        return json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()


def append(
    trail: Sequence[AuditEvent],
    kind: EventKind,
    who: str,
    *,
    at: datetime | None = None,
    ip: str = "",
    user_agent: str = "",
    detail: str = "",
) -> list[AuditEvent]:
    previous = trail[-1].digest if trail else GENESIS
    moment = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    event = AuditEvent(kind, moment, who, ip, user_agent[:200], detail[:500], previous)
    digest = hashlib.sha256(event.payload()).hexdigest()
    return [*trail, AuditEvent(**{**asdict(event), "digest": digest})]


def chain_is_intact(trail: Sequence[AuditEvent]) -> bool:
    previous = GENESIS
    for event in trail:
        if event.previous != previous:
            return False
        if hashlib.sha256(event.payload()).hexdigest() != event.digest:
            return False
        previous = event.digest
    return True


def to_json(trail: Sequence[AuditEvent]) -> str:
    return json.dumps([asdict(e) for e in trail], ensure_ascii=False, indent=1)


def from_json(data: str) -> list[AuditEvent]:
    return from_json_items(json.loads(data))


def from_json_items(items: Sequence[dict[str, Any]]) -> list[AuditEvent]:
    return [AuditEvent(**{**item, "kind": EventKind(item["kind"])}) for item in items]


def render(trail: Sequence[AuditEvent], document_sha256: str) -> str:
    """The text of the "certificat de signature" page."""
    lines = [f"Empreinte SHA-256 du document certifié : {document_sha256}", ""]
    for event in trail:
        when = datetime.fromisoformat(event.at).astimezone(PARIS)
        line = f"{when:%d/%m/%Y %H:%M:%S} — {_FRENCH[event.kind]} {event.who}"
        if event.ip:
            line += f" (IP {event.ip})"
        lines.append(line)
        if event.detail:
            lines.append(f"    {event.detail}")
    if trail:
        lines += ["", f"Dernier maillon de la chaîne d'audit : {trail[-1].digest}"]
    return "\n".join(lines)
