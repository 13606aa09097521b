"""XDM in over real SMTP: a package sent to a patient is filed in the patient's vault with its
metadata; hostile packages file nothing, lose no mail and reach the error hook."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from mailserver import DOCTOR, NURSE, PASSWORD, PATIENT, MailServer, read_mailbox
from mss.inbound import InboundMessage
from mss.vault.model import Document
from mss.xdm.package import METADATA_PATH, XdmDocument, XdmSubmission, build_package

WHEN = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)
INS = PATIENT.split("@", 1)[0]
PDF = b"%PDF-1.4\n% compte rendu CANARYPDF\n%%EOF\n"
CDA = b"<?xml version='1.0'?><ClinicalDocument xmlns='urn:hl7-org:v3'>CANARYCDA</ClinicalDocument>"


def package(ins: str = INS) -> bytes:
    documents = [
        XdmDocument(
            PDF,
            "application/pdf",
            "Radio du thorax",
            "18748-4",
            "Compte rendu d'imagerie",
            WHEN,
            author="Dr Lise Roy",
        ),
        XdmDocument(
            CDA,
            "text/xml",
            "Bilan sanguin",
            "11502-2",
            "CR de biologie",
            WHEN,
            author="Dr Marc Petit",
        ),
    ]
    return build_package(XdmSubmission(ins, "Dr Lise Roy", "CIM Est", documents))


def rewrite(data: bytes, replace: dict[str, bytes], extra: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, replace.get(name, source.read(name)))
        for name, content in extra.items():
            target.writestr(name, content)
    return out.getvalue()


def mail(attachment: bytes, subject: str = "Vos documents") -> bytes:
    message = EmailMessage()
    message["From"] = DOCTOR
    message["To"] = PATIENT
    message["Subject"] = subject
    message["Message-ID"] = f"<{subject.replace(' ', '.')}@hopital.example>"
    message.set_content("Bonjour, vos documents sont joints.")
    message.add_attachment(
        attachment, maintype="application", subtype="zip", filename="IHE_XDM.ZIP"
    )
    return message.as_bytes()


async def send(server: MailServer, raw: bytes, to: str = PATIENT) -> None:
    async with server.submission_client() as client:
        await client.login(DOCTOR, PASSWORD)
        errors, _ = await client.sendmail(DOCTOR, [to], raw)
    assert errors == {}


async def vault_of(server: MailServer, address: str = PATIENT) -> list[tuple[Document, bytes]]:
    runtime = server.runtime
    unlocked = await runtime.accounts.authenticate(address, PASSWORD)
    return [
        await runtime.vault.content(unlocked, document.id)
        for document in await runtime.vault.list(unlocked)
    ]


async def test_package_over_smtp_is_filed_with_its_metadata(server: MailServer) -> None:
    await send(server, mail(package()))
    assert len(await read_mailbox(server.runtime, PATIENT)) == 1
    filed = {document.meta.title: (document, data) for document, data in await vault_of(server)}
    assert set(filed) == {"Radio du thorax", "Bilan sanguin"}
    radio, content = filed["Radio du thorax"]
    assert content == PDF
    meta = radio.meta
    assert (meta.type_code, meta.type_label, meta.doc_type) == (
        "18748-4",
        "Compte rendu d'imagerie médicale",
        "imaging",
    )
    assert (meta.author, meta.content_type, meta.document_date) == (
        "Dr Lise Roy",
        "application/pdf",
        int(WHEN.timestamp()),
    )
    assert meta.filename == "Radio du thorax.pdf"
    source = meta.source
    assert (source.kind, source.sender, source.subject) == ("xdm", DOCTOR, "Vos documents")
    assert source.message_id == "<Vos.documents@hopital.example>"
    bilan, cda = filed["Bilan sanguin"]
    assert cda == CDA and bilan.meta.doc_type == "lab" and bilan.meta.filename.endswith(".xml")


async def test_same_package_twice_is_filed_once(server: MailServer) -> None:
    await send(server, mail(package(), "Envoi 1"))
    await send(server, mail(package(), "Envoi 2"))
    assert len(await read_mailbox(server.runtime, PATIENT)) == 2
    assert len(await vault_of(server)) == 2


async def test_professionals_file_nothing_and_get_no_error(server: MailServer) -> None:
    reported: list[str] = []

    async def hook(message: InboundMessage, reason: str) -> None:
        reported.append(reason)

    server.runtime.xdm_import.set_error_hook(hook)
    await send(server, mail(package()), to=NURSE)
    assert len(await read_mailbox(server.runtime, NURSE)) == 1
    assert await vault_of(server, NURSE) == []
    assert reported == []


def _metadata() -> bytes:
    return zipfile.ZipFile(io.BytesIO(package())).read(METADATA_PATH)


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    + _metadata().split(b"?>", 1)[-1].replace(b"Radio du thorax", b"&x;", 1)
)


def _many() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for index in range(10_000):
            target.writestr(f"IHE_XDM/SUBSET01/F{index}.TXT", b"")
    return out.getvalue()


HOSTILE = {
    "zip bomb": lambda: rewrite(
        package(), {"IHE_XDM/SUBSET01/DOC0001.PDF": b"\0" * 20_000_000}, {}
    ),
    "traversal": lambda: rewrite(package(), {}, {"../../etc/evil": b"x"}),
    "xxe": lambda: rewrite(package(), {METADATA_PATH: XXE}, {}),
    "billion laughs": lambda: rewrite(package(), {METADATA_PATH: LAUGHS}, {}),
    "ten thousand entries": _many,
    "another patient": lambda: package("185057512345689"),
    "not a zip": lambda: b"PK\x03\x04 not really",
}


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_hostile_package_files_nothing_and_loses_no_mail(
    server: MailServer, name: str
) -> None:
    reported: list[tuple[bytes, str]] = []

    async def hook(message: InboundMessage, reason: str) -> None:
        reported.append((message.raw, reason))

    server.runtime.xdm_import.set_error_hook(hook)
    await send(server, mail(HOSTILE[name](), f"Hostile {name}"))
    [stored] = await read_mailbox(server.runtime, PATIENT)
    assert f"Hostile {name}".encode() in stored
    assert await vault_of(server) == []
    [(raw, reason)] = reported
    assert f"Hostile {name}".encode() in raw and reason
