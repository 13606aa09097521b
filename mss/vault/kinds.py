"""Kinds of documents: the vault's coarse categories (labels in the locale files,
``doctype.<code>``) and the LOINC document type codes the trust space uses, with their French
labels (DOMAIN.md, "Documents sent to patients: IHE XDM")."""

from __future__ import annotations

DOCUMENT_TYPES = ("report", "prescription", "lab", "imaging", "letter", "certificate", "other")

# LOINC code -> (vault category, French label).
LOINC_TYPES: dict[str, tuple[str, str]] = {
    "11488-4": ("report", "Compte rendu de consultation"),
    "11490-0": ("letter", "Lettre de liaison à la sortie d'un établissement de soins"),
    "11502-2": ("lab", "Compte rendu d'examens biologiques"),
    "11526-1": ("lab", "Compte rendu d'anatomie et de cytologie pathologiques"),
    "18748-4": ("imaging", "Compte rendu d'imagerie médicale"),
    "34133-9": ("report", "Synthèse d'épisode de soins"),
    "34874-8": ("report", "Compte rendu opératoire"),
    "57833-6": ("prescription", "Prescription de produits de santé"),
    "60591-5": ("report", "Synthèse médicale"),
}

_NAME_HINTS = (
    ("ordonnance", "prescription"),
    ("prescription", "prescription"),
    ("compte-rendu", "report"),
    ("compte_rendu", "report"),
    ("cr-", "report"),
    ("resultat", "lab"),
    ("résultat", "lab"),
    ("analyse", "lab"),
    ("biolog", "lab"),
    ("radio", "imaging"),
    ("irm", "imaging"),
    ("scanner", "imaging"),
    ("certificat", "certificate"),
    ("courrier", "letter"),
    ("lettre", "letter"),
)


def guess_type(filename: str) -> str:
    """A first guess from the file name, which the owner can change."""
    lowered = filename.lower()
    return next((code for hint, code in _NAME_HINTS if hint in lowered), "other")


def loinc_kind(code: str, label: str, filename: str) -> tuple[str, str]:
    """The vault category and French label for a LOINC type code: ours when we know the code,
    else the label the sender gave, with a category guessed from the file name."""
    known = LOINC_TYPES.get(code)
    if known is not None:
        return known
    return guess_type(filename), label
