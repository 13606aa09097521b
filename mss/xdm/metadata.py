"""METADATA.XML of an XDM package: an ebRIM 3.0 SubmitObjectsRequest (ITI TF-3 §4.1, §4.2.4.1).

Kept apart from the zip layout so the importer and the exporter share one vocabulary: the
classification and identification scheme UUIDs below are fixed by ITI TF-3 Table 4.2.5-1.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

LCM = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"
RIM = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"

# ITI TF-3 §4.2.5: object types, classification and identification schemes.
DOCUMENT_ENTRY_TYPE = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"
SUBMISSION_SET_NODE = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"
DOC_CLASS_CODE = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a"
DOC_TYPE_CODE = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983"
DOC_FORMAT_CODE = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d"
DOC_CONFIDENTIALITY = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f"
DOC_AUTHOR = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d"
DOC_PATIENT_ID = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427"
DOC_UNIQUE_ID = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab"
SET_AUTHOR = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d"
SET_CONTENT_TYPE = "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500"
SET_UNIQUE_ID = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8"
SET_SOURCE_ID = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832"
SET_PATIENT_ID = "urn:uuid:6b5aea1a-5b5d-4c4c-8a2c-a2c8dc9d96a7"
HAS_MEMBER = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember"
CLASSIFICATION_TYPE = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification"

INS_NIR_OID = "1.2.250.1.213.1.4.8"  # INS-NIR, the national health identifier
LOINC_OID = "2.16.840.1.113883.6.1"


@dataclass(frozen=True)
class Code:
    """A coded value: code, coding scheme (OID) and display name."""

    code: str
    scheme: str
    display: str


@dataclass(frozen=True)
class EntryMetadata:
    """What one XDSDocumentEntry says about a document stored at `uri` in the subset."""

    uri: str
    mime_type: str
    title: str
    type_code: Code
    class_code: Code
    format_code: Code
    confidentiality: Code
    author: str
    author_institution: str
    creation_time: datetime
    sha1_hex: str
    size: int


def hl7_time(moment: datetime) -> str:
    """DTM in UTC as ITI TF-3 §4.2.3.1.7 asks (YYYYMMDDhhmmss)."""
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def patient_id(ins: str) -> str:
    """CX form of the INS (ITI TF-3 §4.2.3.1.7): ``INS^^^&OID&ISO``."""
    return f"{ins}^^^&{INS_NIR_OID}&ISO"


def new_oid() -> str:
    """A unique OID from a random UUID (ITU-T X.667 arc 2.25)."""
    return f"2.25.{uuid.uuid4().int}"


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _slot(parent: ET.Element, name: str, *values: str) -> None:
    slot = ET.SubElement(parent, _q(RIM, "Slot"), name=name)
    holder = ET.SubElement(slot, _q(RIM, "ValueList"))
    for value in values:
        ET.SubElement(holder, _q(RIM, "Value")).text = value


def _name(parent: ET.Element, text: str) -> None:
    name = ET.SubElement(parent, _q(RIM, "Name"))
    ET.SubElement(name, _q(RIM, "LocalizedString"), value=text, charset="UTF-8")


def _coded(parent: ET.Element, scheme: str, obj: str, code: Code) -> None:
    node = ET.SubElement(
        parent,
        _q(RIM, "Classification"),
        id=f"urn:uuid:{uuid.uuid4()}",
        classificationScheme=scheme,
        classifiedObject=obj,
        nodeRepresentation=code.code,
        objectType=CLASSIFICATION_TYPE,
    )
    _slot(node, "codingScheme", code.scheme)
    _name(node, code.display)


def _author(parent: ET.Element, scheme: str, obj: str, person: str, institution: str) -> None:
    node = ET.SubElement(
        parent,
        _q(RIM, "Classification"),
        id=f"urn:uuid:{uuid.uuid4()}",
        classificationScheme=scheme,
        classifiedObject=obj,
        nodeRepresentation="",
        objectType=CLASSIFICATION_TYPE,
    )
    _slot(node, "authorPerson", person)
    if institution:
        _slot(node, "authorInstitution", institution)


def _external_id(parent: ET.Element, scheme: str, obj: str, value: str, label: str) -> None:
    node = ET.SubElement(
        parent,
        _q(RIM, "ExternalIdentifier"),
        id=f"urn:uuid:{uuid.uuid4()}",
        identificationScheme=scheme,
        registryObject=obj,
        value=value,
    )
    _name(node, label)


def _entry(root: ET.Element, entry: EntryMetadata, pid: str) -> str:
    obj = f"urn:uuid:{uuid.uuid4()}"
    node = ET.SubElement(
        root,
        _q(RIM, "ExtrinsicObject"),
        id=obj,
        mimeType=entry.mime_type,
        objectType=DOCUMENT_ENTRY_TYPE,
    )
    _slot(node, "creationTime", hl7_time(entry.creation_time))
    _slot(node, "hash", entry.sha1_hex)  # ITI TF-3 §4.2.3.2.11: SHA-1, hex
    _slot(node, "size", str(entry.size))
    _slot(node, "languageCode", "fr-FR")
    _slot(node, "sourcePatientId", pid)
    _slot(node, "URI", entry.uri)  # ITI TF-3 §4.2.3.2.24: the file within the subset
    _name(node, entry.title)
    _author(node, DOC_AUTHOR, obj, entry.author, entry.author_institution)
    _coded(node, DOC_CLASS_CODE, obj, entry.class_code)
    _coded(node, DOC_CONFIDENTIALITY, obj, entry.confidentiality)
    _coded(node, DOC_FORMAT_CODE, obj, entry.format_code)
    _coded(node, DOC_TYPE_CODE, obj, entry.type_code)
    _external_id(node, DOC_PATIENT_ID, obj, pid, "XDSDocumentEntry.patientId")
    _external_id(node, DOC_UNIQUE_ID, obj, new_oid(), "XDSDocumentEntry.uniqueId")
    return obj


def submit_objects_request(
    entries: list[EntryMetadata],
    ins: str,
    author: str,
    author_institution: str,
    source_oid: str,
    submitted: datetime,
) -> bytes:
    """The METADATA.XML bytes: one submission set, one entry per document, HasMember links."""
    ET.register_namespace("lcm", LCM)
    ET.register_namespace("rim", RIM)
    pid = patient_id(ins)
    request = ET.Element(_q(LCM, "SubmitObjectsRequest"))
    root = ET.SubElement(request, _q(RIM, "RegistryObjectList"))
    entry_ids = [_entry(root, entry, pid) for entry in entries]
    set_id = f"urn:uuid:{uuid.uuid4()}"
    package = ET.SubElement(root, _q(RIM, "RegistryPackage"), id=set_id)
    _slot(package, "submissionTime", hl7_time(submitted))
    _name(package, "Documents transmis par messagerie sécurisée de santé")
    _author(package, SET_AUTHOR, set_id, author, author_institution)
    _coded(package, SET_CONTENT_TYPE, set_id, entries[0].class_code)
    _external_id(package, SET_UNIQUE_ID, set_id, new_oid(), "XDSSubmissionSet.uniqueId")
    _external_id(package, SET_SOURCE_ID, set_id, source_oid, "XDSSubmissionSet.sourceId")
    _external_id(package, SET_PATIENT_ID, set_id, pid, "XDSSubmissionSet.patientId")
    ET.SubElement(
        root,
        _q(RIM, "Classification"),
        id=f"urn:uuid:{uuid.uuid4()}",
        classifiedObject=set_id,
        classificationNode=SUBMISSION_SET_NODE,
    )
    for entry_id in entry_ids:
        link = ET.SubElement(
            root,
            _q(RIM, "Association"),
            id=f"urn:uuid:{uuid.uuid4()}",
            associationType=HAS_MEMBER,
            sourceObject=set_id,
            targetObject=entry_id,
        )
        _slot(link, "SubmissionSetStatus", "Original")
    document: bytes = ET.tostring(request, encoding="utf-8", xml_declaration=True)
    return document
