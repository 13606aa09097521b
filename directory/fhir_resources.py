"""Directory entries as FHIR R4 resources (Practitioner, PractitionerRole, Organization) and
searchset Bundles.

Plain JSON dictionaries: the web layer returns them as they are, and the tests validate them
against the `fhir.resources` models. Identifier and code systems come from
`directory/data/fhir_systems.csv`.
"""

from __future__ import annotations

from typing import Any

from directory import codes
from directory.model import Coded, DirectoryEntry, Organisation, Practitioner

Resource = dict[str, Any]


def _system(name: str) -> str:
    return codes.fhir_systems()[name].label


def _coding(system: str, coded: Coded) -> Resource:
    coding: Resource = {"system": _system(system), "code": coded.code}
    if coded.label:
        coding["display"] = coded.label
    return {"coding": [coding], **({"text": coded.label} if coded.label else {})}


def practitioner_resource(person: Practitioner) -> Resource:
    """A Practitioner identified by its national id ("8" + RPPS or "0" + ADELI)."""
    name: Resource = {"use": "official"}
    if person.family:
        name["family"] = person.family
    if person.given:
        name["given"] = [person.given]
    if person.civility and person.civility.label:
        name["prefix"] = [person.civility.label]
    resource: Resource = {
        "resourceType": "Practitioner",
        "id": person.national_id,
        "identifier": [
            {"system": _system("practitioner_national_id"), "value": person.national_id}
        ],
        "active": True,
    }
    if len(name) > 1:
        resource["name"] = [name]
    return resource


def organization_resource(org: Organisation, addresses: list[str]) -> Resource:
    """An Organization with its postal address and its listed service mailboxes."""
    resource: Resource = {
        "resourceType": "Organization",
        "id": org.national_id,
        "identifier": [{"system": _system("structure_national_id"), "value": org.national_id}],
        "active": True,
    }
    if org.name or org.trade_name:
        resource["name"] = org.name or org.trade_name
    if org.trade_name and org.trade_name != resource.get("name"):
        resource["alias"] = [org.trade_name]
    if addresses:
        resource["telecom"] = [{"system": "email", "value": a} for a in addresses]
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
        "telecom": [{"system": "email", "value": entry.address}],
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
        resource["code"] = [_coding("profession", entry.profession)]
    if entry.specialty is not None:
        resource["specialty"] = [_coding("specialty", entry.specialty)]
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


def operation_outcome(code: str, diagnostics: str) -> Resource:
    """An OperationOutcome with one error issue (FHIR R4 issue-type ``code``)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    }
