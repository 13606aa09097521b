"""XDM out: documents chosen in a patient's vault export as one IHE_XDM.ZIP that reads back
(through the same safe reader as received packages) with their metadata."""

from __future__ import annotations

import io
import zipfile

import pytest

from mss.runtime import Runtime
from mss.store.errors import NotFound
from mss.store.records import AccountKind
from mss.vault.model import DocumentMeta, DocumentSource
from mss.vault.xdm_export import export_package
from mss.xdm.package import XdmBuildError
from mss.xdm.unpack import read_package

PASSWORD = "correct horse battery"
PATIENT = "285057512345623@patient.example"


def _meta(title: str, doc_type: str, content_type: str, **extra: str) -> DocumentMeta:
    return DocumentMeta(
        title=title,
        doc_type=doc_type,
        filename="f",
        content_type=content_type,
        document_date=1_764_000_000,
        source=DocumentSource(kind="upload"),
        **extra,
    )


async def test_chosen_documents_export_and_read_back(runtime: Runtime) -> None:
    await runtime.store.add_domain("patient.example", is_patient=True)
    await runtime.store.add_domain("hopital.example")
    await runtime.accounts.create_account(PATIENT, AccountKind.PATIENT, PASSWORD, "Camille Durand")
    await runtime.accounts.create_account(
        "jeanne.martin@hopital.example", AccountKind.PROFESSIONAL, PASSWORD
    )
    owner = await runtime.accounts.authenticate(PATIENT, PASSWORD)
    radio = await runtime.vault.add(
        owner,
        _meta("Radio", "imaging", "application/pdf", type_code="18748-4", author="Dr Roy"),
        b"%PDF radio",
    )
    bilan = await runtime.vault.add(
        owner, _meta("Bilan", "lab", "text/xml"), b"<ClinicalDocument/>"
    )
    await runtime.vault.add(owner, _meta("Autre", "other", "text/plain"), b"not exported")

    package = await export_package(runtime.vault, owner, [radio.id, bilan.id, radio.id])
    names = set(zipfile.ZipFile(io.BytesIO(package)).namelist())
    assert {"README.TXT", "INDEX.HTM", "IHE_XDM/SUBSET01/METADATA.XML"} <= names
    first, second = read_package(package)
    assert (first.content, first.title, first.type_code, first.author) == (
        b"%PDF radio",
        "Radio",
        "18748-4",
        "Dr Roy",
    )
    assert (second.content, second.type_code, second.ins) == (
        b"<ClinicalDocument/>",
        "11502-2",
        "285057512345623",
    )

    with pytest.raises(NotFound):
        await export_package(runtime.vault, owner, [radio.id, 999_999])
    with pytest.raises(XdmBuildError):
        await export_package(runtime.vault, owner, [])
    doctor = await runtime.accounts.authenticate("jeanne.martin@hopital.example", PASSWORD)
    with pytest.raises(XdmBuildError):
        await export_package(runtime.vault, doctor, [radio.id])
