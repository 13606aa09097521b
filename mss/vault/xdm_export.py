"""XDM out: chosen documents of a patient's vault exported as one IHE_XDM.ZIP (ITI TF-3 §4.2.4),
for the patient to hand to a professional or another system.

A document filed with a LOINC type keeps it; one filed without (an upload) is typed by its vault
category, and a category with no LOINC counterpart falls back to the package's default class
code (``mss.xdm.package.DEFAULT_CLASS``, "Compte rendu").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from mss.accounts import UnlockedAccount
from mss.store.records import AccountKind
from mss.vault.kinds import LOINC_TYPES
from mss.vault.service import VaultService
from mss.xdm.package import DEFAULT_CLASS, XdmBuildError, XdmDocument, XdmSubmission, build_package

# The LOINC code a vault category is exported with when the document has none of its own.
CATEGORY_LOINC = {
    "report": "11488-4",
    "lab": "11502-2",
    "imaging": "18748-4",
    "prescription": "57833-6",
    "letter": "11490-0",
}
MAX_EXPORTED = 50


async def export_package(
    vault: VaultService, owner: UnlockedAccount, document_ids: Sequence[int]
) -> bytes:
    """The IHE_XDM.ZIP of the owner's documents ``document_ids`` (each once, in that order);
    ``NotFound`` for an id the owner does not hold, ``XdmBuildError`` for a patient-less owner,
    an empty or too long choice, or a media type XDM does not carry."""
    if owner.account.kind is not AccountKind.PATIENT:
        raise XdmBuildError("only a patient's vault exports as XDM (the package names the INS)")
    chosen = list(dict.fromkeys(document_ids))
    if not 1 <= len(chosen) <= MAX_EXPORTED:
        raise XdmBuildError(f"choose 1 to {MAX_EXPORTED} documents")
    documents = []
    for document_id in chosen:
        found, content = await vault.content(owner, document_id)
        meta = found.meta
        code = meta.type_code or CATEGORY_LOINC.get(meta.doc_type, DEFAULT_CLASS.code)
        label = meta.type_label or LOINC_TYPES.get(code, ("", DEFAULT_CLASS.display))[1]
        documents.append(
            XdmDocument(
                content=content,
                mime_type=meta.content_type,
                title=meta.title,
                type_code=code,
                type_label=label,
                created=datetime.fromtimestamp(meta.document_date, UTC),
                author=meta.author,
            )
        )
    name = owner.account.display_name or owner.account.address
    ins = owner.account.address.split("@", 1)[0]
    return build_package(XdmSubmission(ins, name, "", documents))
