"""Read an IHE_XDM.ZIP received from outside: every package is hostile (DOMAIN.md "IHE XDM").

Nothing is extracted to disk. Entry names are checked before anything is read; sizes are
enforced on the bytes actually inflated (the declared sizes in a zip header can lie); the
METADATA.XML is parsed by defusedxml with DTDs forbidden, so no entity expansion (billion
laughs) and no external entity (XXE) can run. Each document must match the SHA-1 and size its
entry declares (ITI TF-3 §4.2.3.2.11, §4.2.3.2.19).
"""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from mss.xdm.metadata import DOC_AUTHOR, DOC_PATIENT_ID, DOC_TYPE_CODE, DOCUMENT_ENTRY_TYPE, RIM
from mss.xdm.package import METADATA_PATH, SUBSET

NS = {"rim": RIM}


@dataclass(frozen=True)
class XdmLimits:
    """Ceilings for one package; a package over any of them is refused whole."""

    max_entries: int = 200
    max_document: int = 50 * 1024 * 1024
    max_total: int = 100 * 1024 * 1024
    max_ratio: int = 100
    max_metadata: int = 2 * 1024 * 1024


@dataclass(frozen=True)
class ImportedDocument:
    """One document read from a package with the fields the vault files it by."""

    content: bytes
    mime_type: str
    title: str
    type_code: str
    type_label: str
    author: str
    created: datetime | None
    ins: str


class XdmRejected(ValueError):
    """The package cannot be integrated; `reason` is French, for the error MDN."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _check_name(name: str) -> None:
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or ":" in name or ".." in parts or "\x00" in name:
        raise XdmRejected(f"nom de fichier refusé dans le paquet : {name!r}")


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, ceiling: int, ratio: int) -> bytes:
    """Inflate at most `ceiling` bytes and `ratio` times the compressed size, whatever the
    header declares (a zip bomb stops here after one chunk over budget)."""
    budget = min(ceiling, max(info.compress_size, 1) * ratio)
    out = bytearray()
    with archive.open(info) as stream:
        while chunk := stream.read(65536):
            out += chunk
            if len(out) > budget:
                raise XdmRejected(f"fichier trop volumineux ou trop compressé : {info.filename}")
    return bytes(out)


def _slot(node: ET.Element, name: str) -> str:
    value = node.find(f"rim:Slot[@name='{name}']/rim:ValueList/rim:Value", NS)
    return (value.text or "") if value is not None else ""


def _time(text: str) -> datetime | None:
    digits = text[:14]
    for fmt in ("%Y%m%d%H%M%S", "%Y%m%d%H%M", "%Y%m%d"):
        try:
            return datetime.strptime(digits, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _metadata(raw: bytes) -> ET.Element:
    try:
        root: ET.Element = fromstring(raw, forbid_dtd=True)
    except (DefusedXmlException, ET.ParseError) as exc:
        raise XdmRejected("METADATA.XML illisible ou dangereux") from exc
    return root


def read_package(data: bytes, limits: XdmLimits | None = None) -> list[ImportedDocument]:
    """The documents of an IHE_XDM.ZIP with their metadata, or XdmRejected."""
    limits = limits or XdmLimits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise XdmRejected("archive IHE_XDM.ZIP illisible") from exc
    if len(infos) > limits.max_entries:
        raise XdmRejected(f"trop de fichiers dans le paquet ({len(infos)})")
    by_name: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        _check_name(info.filename)
        by_name[info.filename] = info
    if METADATA_PATH not in by_name:
        raise XdmRejected("METADATA.XML absent du paquet")
    root = _metadata(_read(archive, by_name[METADATA_PATH], limits.max_metadata, limits.max_ratio))
    documents: list[ImportedDocument] = []
    total = 0
    for entry in root.iter(f"{{{RIM}}}ExtrinsicObject"):
        if entry.get("objectType") != DOCUMENT_ENTRY_TYPE:
            continue
        uri = _slot(entry, "URI")
        _check_name(uri)
        member = by_name.get(f"{SUBSET}/{uri}")
        if member is None or "/" in uri:
            raise XdmRejected(f"document annoncé mais absent : {uri!r}")
        content = _read(archive, member, limits.max_document, limits.max_ratio)
        total += len(content)
        if total > limits.max_total:
            raise XdmRejected("paquet trop volumineux")
        declared_hash = _slot(entry, "hash").lower()
        declared_size = _slot(entry, "size")
        actual_hash = hashlib.sha1(content, usedforsecurity=False).hexdigest()
        if declared_hash and declared_hash != actual_hash:
            raise XdmRejected(f"empreinte incorrecte pour {uri}")
        if declared_size and declared_size != str(len(content)):
            raise XdmRejected(f"taille incorrecte pour {uri}")
        documents.append(_document(entry, content))
    if not documents:
        raise XdmRejected("aucun document dans le paquet")
    return documents


def _document(entry: ET.Element, content: bytes) -> ImportedDocument:
    name = entry.find("rim:Name/rim:LocalizedString", NS)
    kind = entry.find(f"rim:Classification[@classificationScheme='{DOC_TYPE_CODE}']", NS)
    kind_label = kind.find("rim:Name/rim:LocalizedString", NS) if kind is not None else None
    author = entry.find(f"rim:Classification[@classificationScheme='{DOC_AUTHOR}']", NS)
    patient = entry.find(f"rim:ExternalIdentifier[@identificationScheme='{DOC_PATIENT_ID}']", NS)
    return ImportedDocument(
        content=content,
        mime_type=entry.get("mimeType", "application/octet-stream"),
        title=name.get("value", "") if name is not None else "",
        type_code=kind.get("nodeRepresentation", "") if kind is not None else "",
        type_label=kind_label.get("value", "") if kind_label is not None else "",
        author=_slot(author, "authorPerson") if author is not None else "",
        created=_time(_slot(entry, "creationTime")),
        ins=(patient.get("value", "") if patient is not None else "").split("^", 1)[0],
    )
