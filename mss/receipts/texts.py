"""The French words of the MDNs a patient's or an application's mailbox sends (human part,
RFC 8098 §3: "a human-readable explanation of the MDN")."""

from __future__ import annotations


def _quoted(subject: str) -> str:
    return f"« {subject} »" if subject else "sans objet"


def processed_text(subject: str, recipient: str) -> str:
    return (
        f"Votre message {_quoted(subject)} a bien été reçu et traité par la messagerie "
        f"de {recipient}.\n\n"
        "Cet accusé de réception automatique ne signifie pas que le message a été lu.\n"
    )


def error_text(subject: str, recipient: str, error: str) -> str:
    code, _, label = error.partition("^")
    return (
        f"Votre message {_quoted(subject)} a bien été reçu par la messagerie de {recipient}, "
        "mais il n'a pas pu être intégré.\n\n"
        f"Motif : {label} (code {code}).\n\n"
        "Le message original est joint à cet avis.\n"
    )


def displayed_text(subject: str, recipient: str) -> str:
    return (
        f"Votre message {_quoted(subject)} a été ouvert par {recipient}.\n\n"
        "Cet accusé de lecture indique que le message a été affiché à l'écran ; "
        "il ne garantit pas qu'il a été lu ou compris.\n"
    )
