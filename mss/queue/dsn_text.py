"""The words of a DSN: its subject and its human-readable part, in French then English.

Kept apart from the report's structure (``dsn.py``) so the wording can change without touching
the RFC 3464 machinery. Subjects are plain ASCII, so they need no RFC 2047 encoding.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

SUBJECT_FAILED = "Message non remis / Undelivered mail"
SUBJECT_DELAYED = "Message en attente / Delayed mail"
SUBJECT_RELAYED = "Message transmis / Mail relayed"
SUBJECT_DELIVERED = "Message remis / Mail delivered"

_FRENCH = {
    "failed": "Votre message n'a pas pu être remis aux destinataires suivants :",
    "delayed": "Votre message n'a pas encore pu être remis ; de nouveaux essais suivront :",
    "relayed": (
        "Votre message a été transmis au serveur de l'opérateur des destinataires suivants, "
        "qui n'envoie pas d'avis de remise :"
    ),
    "delivered": "Votre message a été remis aux destinataires suivants :",
    "expanded": "Votre message a été remis à une liste, redistribuée à ses membres :",
}
_ENGLISH = {
    "failed": "Your message could not be delivered to the following recipients:",
    "delayed": "Your message has not been delivered yet; delivery will be retried for:",
    "relayed": (
        "Your message was relayed to the server of the following recipients' operator, "
        "which does not send delivery notifications:"
    ),
    "delivered": "Your message was delivered to the following recipients:",
    "expanded": "Your message was delivered to a list and redistributed to its members:",
}


def subject_of(values: Collection[str]) -> str:
    """The most important news decides: a failure, then a delay, then a success.

    ``values`` are RFC 3464 §2.3.3 actions ("failed", "delayed", "relayed", …).
    """
    if "failed" in values:
        return SUBJECT_FAILED
    if "delayed" in values:
        return SUBJECT_DELAYED
    if "relayed" in values:
        return SUBJECT_RELAYED
    return SUBJECT_DELIVERED


def human_text(reporting_mta: str, recipients: Sequence[tuple[str, str, str]]) -> str:
    """The first part of the report: (address, action, explanation) per recipient."""
    lines = [f"Ceci est le service de messagerie de {reporting_mta}.", ""]
    lines += _paragraphs(_FRENCH, recipients)
    lines += ["", "-" * 40, "", f"This is the mail system at {reporting_mta}.", ""]
    lines += _paragraphs(_ENGLISH, recipients)
    lines += [
        "",
        "Le détail technique suit, puis votre message ou son en-tête.",
        "Technical details follow, then your message or its header.",
    ]
    return "\n".join(lines) + "\n"


def _paragraphs(wording: dict[str, str], recipients: Sequence[tuple[str, str, str]]) -> list[str]:
    lines: list[str] = []
    for action in dict.fromkeys(action for _, action, _ in recipients):
        lines.append(wording[action])
        for address, this, explanation in recipients:
            if this == action:
                lines.append(f"  - {address} ({explanation})")
        lines.append("")
    return lines[:-1]
