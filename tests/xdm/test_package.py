"""The IHE_XDM.ZIP we write has the ITI XDM layout and a METADATA.XML that parses back."""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime

import pytest
from defusedxml.ElementTree import fromstring

from mss.xdm.metadata import (
    DOC_AUTHOR,
    DOC_PATIENT_ID,
    DOC_TYPE_CODE,
    DOCUMENT_ENTRY_TYPE,
    HAS_MEMBER,
    LCM,
    RIM,
)
from mss.xdm.package import METADATA_PATH, XdmBuildError, XdmDocument, XdmSubmission, build_package

NS = {"lcm": LCM, "rim": RIM}
WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
CDA = b'<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3"/>'
PDF = b"%PDF-1.4\n%canary\n%%EOF\n"


def _submission() -> XdmSubmission:
    return XdmSubmission(
        ins="279035121518989",
        author="Dr Anne Martin",
        author_institution="CHU de Nantes",
        documents=[
            XdmDocument(
                CDA,
                "text/xml",
                "Compte rendu opératoire",
                "34874-7",
                "Compte rendu opératoire",
                WHEN,
            ),
            XdmDocument(
                PDF,
                "application/pdf",
                "Résultats de biologie",
                "11502-2",
                "Compte rendu de biologie",
                WHEN,
                author="Dr Paul Durand",
            ),
        ],
        submitted=WHEN,
    )


def _slot(node: ET.Element, name: str) -> str:
    value = node.find(f"rim:Slot[@name='{name}']/rim:ValueList/rim:Value", NS)
    assert value is not None and value.text is not None, name
    return value.text


def test_layout_and_metadata_parse_back() -> None:
    archive = zipfile.ZipFile(io.BytesIO(build_package(_submission())))
    names = set(archive.namelist())
    assert {"README.TXT", "INDEX.HTM", METADATA_PATH} <= names
    assert "IHE_XDM/SUBSET01/DOC0001.XML" in names and "IHE_XDM/SUBSET01/DOC0002.PDF" in names
    assert b"DOC0002.PDF" in archive.read("INDEX.HTM")

    root: ET.Element = fromstring(archive.read(METADATA_PATH))
    assert root.tag == f"{{{LCM}}}SubmitObjectsRequest"
    objects = "rim:RegistryObjectList/rim:"
    entries = root.findall(f"{objects}ExtrinsicObject[@objectType='{DOCUMENT_ENTRY_TYPE}']", NS)
    assert len(entries) == 2
    packages = root.findall(f"{objects}RegistryPackage", NS)
    assert len(packages) == 1
    links = root.findall(f"{objects}Association[@associationType='{HAS_MEMBER}']", NS)
    assert {link.get("targetObject") for link in links} == {e.get("id") for e in entries}

    for entry, content in zip(entries, (CDA, PDF), strict=True):
        uri = _slot(entry, "URI")
        stored = archive.read(f"IHE_XDM/SUBSET01/{uri}")
        assert stored == content
        assert _slot(entry, "hash") == hashlib.sha1(content, usedforsecurity=False).hexdigest()
        assert _slot(entry, "size") == str(len(content))
        assert _slot(entry, "creationTime") == "20261201093000"
        pid = entry.find(f"rim:ExternalIdentifier[@identificationScheme='{DOC_PATIENT_ID}']", NS)
        assert pid is not None and pid.get("value") == "279035121518989^^^&1.2.250.1.213.1.4.8&ISO"
    type_codes = [
        e.find(f"rim:Classification[@classificationScheme='{DOC_TYPE_CODE}']", NS) for e in entries
    ]
    codes = [t.get("nodeRepresentation") for t in type_codes if t is not None]
    assert codes == ["34874-7", "11502-2"]
    titles = [e.find("rim:Name/rim:LocalizedString", NS) for e in entries]
    assert [t.get("value") for t in titles if t is not None] == [
        "Compte rendu opératoire",
        "Résultats de biologie",
    ]
    by_author = f"rim:Classification[@classificationScheme='{DOC_AUTHOR}']"
    author_nodes = [e.find(by_author, NS) for e in entries]
    authors = [_slot(node, "authorPerson") for node in author_nodes if node is not None]
    assert authors == ["Dr Anne Martin", "Dr Paul Durand"]


def test_refuses_empty_and_unknown_types() -> None:
    with pytest.raises(XdmBuildError):
        build_package(XdmSubmission("279035121518989", "a", "b", []))
    odd = XdmDocument(b"x", "application/x-msdownload", "t", "1", "l", WHEN)
    with pytest.raises(XdmBuildError):
        build_package(XdmSubmission("279035121518989", "a", "b", [odd]))
    with pytest.raises(XdmBuildError):
        build_package(XdmSubmission(" ", "a", "b", _submission().documents))
