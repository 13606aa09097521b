"""Directory entries as FHIR R4 resources (Practitioner, PractitionerRole, Organization),
searchset Bundles and the CapabilityStatement, shaped as the national directory serves them
(ansforge "Annuaire Santé" IG: AsPractitionerProfile, AsMailboxMSS).

- Practitioner: two typed identifiers, IDNPS ("8" + RPPS, or "0" + ADELI) under the national
  OID and, for an RPPS professional, the bare RPPS under the RPPS system; ``name.suffix`` the
  civilité d'exercice (DR); profession and category in ``qualification`` (exercicePro), the
  savoir-faire in another ``qualification``; each listed mailbox a ``telecom``.
- A mailbox: ``telecom`` of system email with the fr-core e-mail type extension (TRE_R256
  MSSANTE) and the mailbox metadata extension carrying its type (TRE_R257 PER, ORG, APP).
- Organization: IDNST (type code + identifier) under the structure OID and, for a FINESS
  structure, the bare FINESS.

Plain JSON dictionaries: the web layer returns them as they are, and the tests validate them
against the `fhir.resources` models. Every system, extension URL and type code comes from
`directory/data/fhir_systems.csv`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from directory import codes
from directory.model import Coded, DirectoryEntry, Organisation, Practitioner

Resource = dict[str, Any]


def _fact(name: str) -> str:
    return codes.fhir_systems()[name].label


def _coding(system: str, coded: Coded) -> Resource:
    coding: Resource = {"system": _fact(system), "code": coded.code}
    if coded.label:
        coding["display"] = coded.label
    return coding


def _concept(system: str, coded: Coded) -> Resource:
    return {"coding": [_coding(system, coded)], **({"text": coded.label} if coded.label else {})}


def _identifier(system: str, type_code: str, value: str) -> Resource:
    return {
        "use": "official",
        "type": {"coding": [{"system": _fact("identifier_type"), "code": _fact(type_code)}]},
        "system": _fact(system),
        "value": value,
    }


def mailbox_telecom(entry: DirectoryEntry) -> Resource:
    """An MSSanté mailbox as a ``telecom`` (AsMailboxMSS): e-mail type MSSANTE, mailbox type."""
    extensions: list[Resource] = [
        {
            "url": _fact("email_type_extension"),
            "valueCoding": {
                "system": _fact("messaging_type"),
                "code": _fact("messaging_type_mssante"),
            },
        }
    ]
    mailbox_type = entry.mailbox_type
    if mailbox_type is not None:
        type_coding = {"system": _fact("mailbox_type"), "code": mailbox_type.value}
        extensions.append(
            {
                "url": _fact("mailbox_metadata_extension"),
                "extension": [{"url": "type", "valueCodeableConcept": {"coding": [type_coding]}}],
            }
        )
    return {"extension": extensions, "system": "email", "value": entry.address}


def _distinct(items: Iterable[Resource]) -> list[Resource]:
    found: list[Resource] = []
    for item in items:
        if item not in found:
            found.append(item)
    return found


def _qualifications(mailboxes: list[DirectoryEntry]) -> list[Resource]:
    """Profession with category (exercicePro) and savoir-faire, once each, from the mailboxes."""
    practice = []
    for entry in mailboxes:
        if entry.profession is not None:
            coding = [_coding("profession", entry.profession)]
            if entry.category is not None:
                coding.append(_coding("category", entry.category))
            practice.append({"code": {"coding": coding}})
    skills = [
        {"code": _concept("specialty", entry.specialty)}
        for entry in mailboxes
        if entry.specialty is not None
    ]
    return _distinct(practice) + _distinct(skills)


def practitioner_resource(person: Practitioner, mailboxes: list[DirectoryEntry]) -> Resource:
    """A Practitioner identified by its national id, with its listed mailboxes."""
    identifiers = [
        _identifier("practitioner_national_id", "practitioner_national_id_type", person.national_id)
    ]
    if person.id_type == codes.type_with_rule(codes.pp_identifier_types(), "rpps"):
        identifiers.append(_identifier("rpps", "rpps_type", person.id_value))
    resource: Resource = {
        "resourceType": "Practitioner",
        "id": person.national_id,
        "identifier": identifiers,
        "active": True,
    }
    name: Resource = {"use": "official"}
    if person.family:
        name["family"] = person.family
    if person.given:
        name["given"] = [person.given]
    if person.civility is not None:
        name["suffix"] = [person.civility.code]
    if len(name) > 1:
        resource["name"] = [name]
    if mailboxes:
        resource["telecom"] = [mailbox_telecom(entry) for entry in mailboxes]
    qualifications = _qualifications(mailboxes)
    if qualifications:
        resource["qualification"] = qualifications
    return resource


def organization_resource(org: Organisation, mailboxes: list[DirectoryEntry]) -> Resource:
    """An Organization with its postal address and its listed service and application
    mailboxes."""
    identifiers = [
        _identifier("structure_national_id", "structure_national_id_type", org.national_id)
    ]
    if org.id_type == codes.type_with_rule(codes.structure_identifier_types(), "finess"):
        identifiers.append(_identifier("finess", "finess_type", org.id_value))
    resource: Resource = {
        "resourceType": "Organization",
        "id": org.national_id,
        "identifier": identifiers,
        "active": True,
    }
    if org.name or org.trade_name:
        resource["name"] = org.name or org.trade_name
    if org.trade_name and org.trade_name != resource.get("name"):
        resource["alias"] = [org.trade_name]
    if mailboxes:
        resource["telecom"] = [mailbox_telecom(entry) for entry in mailboxes]
    postal = org.address
    street = " ".join(p for p in (postal.number, postal.street_type, postal.street) if p)
    fields = {
        "line": [line for line in (street, postal.locality) if line],
        "city": postal.city,
        "postalCode": postal.postcode,
        "district": postal.department,
        "country": postal.country,
    }
    address = {key: value for key, value in fields.items() if value}
    if address:
        resource["address"] = [address]
    return resource


def role_resource(role_id: int, entry: DirectoryEntry) -> Resource:
    """A PractitionerRole: one personal mailbox, its profession and specialty, at a structure."""
    resource: Resource = {
        "resourceType": "PractitionerRole",
        "id": str(role_id),
        "active": True,
        "telecom": [mailbox_telecom(entry)],
    }
    if entry.practitioner is not None:
        resource["practitioner"] = {
            "reference": f"Practitioner/{entry.practitioner.national_id}",
            "display": entry.display_name,
        }
    if entry.organisation is not None:
        org = entry.organisation
        reference: Resource = {"reference": f"Organization/{org.national_id}"}
        if org.name or org.trade_name:
            reference["display"] = org.trade_name or org.name
        resource["organization"] = reference
    if entry.profession is not None:
        resource["code"] = [_concept("profession", entry.profession)]
    if entry.specialty is not None:
        resource["specialty"] = [_concept("specialty", entry.specialty)]
    return resource


def searchset(base: str, resources: list[Resource], links: dict[str, str]) -> Resource:
    """A searchset Bundle of ``resources`` with paging ``links`` (relation -> URL)."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "link": [{"relation": relation, "url": url} for relation, url in links.items()],
        "entry": [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


def capability_statement(
    base: str, searches: dict[str, dict[str, str]], software: str, date: str
) -> Resource:
    """The server's CapabilityStatement (FHIR R4 §3.1.0.1.1 ``GET [base]/metadata``): read and
    search-type of each resource, with its search parameters (name -> FHIR type)."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date,
        "kind": "instance",
        "software": {"name": software},
        "implementation": {"description": "MSS directory (FHIR view)", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "resource": [
                    {
                        "type": kind,
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [
                            {"name": name, "type": kind_of_value}
                            for name, kind_of_value in parameters.items()
                        ],
                    }
                    for kind, parameters in searches.items()
                ],
            }
        ],
    }


def operation_outcome(code: str, diagnostics: str) -> Resource:
    """An OperationOutcome with one error issue (FHIR R4 issue-type ``code``)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    }
