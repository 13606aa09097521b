"""FHIR as the national directory serves it (issue 14, ansforge Annuaire Santé IG): typed
identifiers, name suffix, MSSanté telecom, qualifications, the IG's search parameters, the
CapabilityStatement, and unknown parameters refused; on both stores."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from directory_rows import RowFactory
from directory_web import TOKEN, make_app
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole

from directory.service import DirectoryService

IDNPS = "urn:oid:1.2.250.1.71.4.2.1"
RPPS = "https://rpps.esante.gouv.fr"
IDNST = "urn:oid:1.2.250.1.71.4.2.2"
FINESS = "https://finess.esante.gouv.fr"
V2_0203 = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
EMAIL_TYPE = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type"
TRE_R256 = "https://mos.esante.gouv.fr/NOS/TRE_R256-TypeMessagerie/FHIR/TRE-R256-TypeMessagerie"
METADATA = (
    "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/"
    "as-ext-mailbox-mss-metadata"
)
TRE_R257 = "https://mos.esante.gouv.fr/NOS/TRE_R257-TypeBAL/FHIR/TRE-R257-TypeBAL"
TRE_G15 = "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante"
TRE_R09 = (
    "https://mos.esante.gouv.fr/NOS/TRE_R09-CategorieProfessionnelle/FHIR/"
    "TRE-R09-CategorieProfessionnelle"
)
TRE_R38 = (
    "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale"
)
MODELS: dict[str, Any] = {
    "Practitioner": Practitioner,
    "PractitionerRole": PractitionerRole,
    "Organization": Organization,
}


@pytest.fixture
async def directory(
    service: DirectoryService, rows: RowFactory, tmp_path: Path
) -> dict[str, dict[str, str]]:
    """Lines of a small national file by short name."""
    lines = {
        "goff": rows.person(
            "Yves",
            "Le Goff",
            "Saint-Étienne",
            "42000",
            specialty=("SM40", "Pédiatrie"),
            address="yves.le-goff@chu-st-etienne.mssante.fr",
        ),
        "martin": rows.person("Sophie", "Martin", "Paris", "75011"),
        "hidden": rows.person("Secret", "Martin", address="secret.martin@medecin.mssante.fr"),
        "service": rows.service(
            "Service de pédiatrie", "CHU de Saint-Étienne", "St Etienne", "42055"
        ),
        "no_rpps": rows.person("Anne", "Sans", address="anne.sans@medecin.mssante.fr"),
    }
    lines["goff"]["Catégorie profession"] = "C"
    lines["goff"]["Libellé de catégorie profession"] = "Civil"
    for column in ("Type Identifiant PP", "Identifiant PP", "Identification nationale PP"):
        lines["no_rpps"][column] = ""
    path = tmp_path / "national.txt"
    path.write_text(rows.text(list(lines.values())), encoding="utf-8")
    await service.import_file(path)
    await service.set_listed("secret.martin@medecin.mssante.fr", False)
    return lines


@pytest.fixture
async def client(
    service: DirectoryService, directory: dict[str, dict[str, str]]
) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(service))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers=headers
    ) as http:
        yield http


async def _search(client: httpx.AsyncClient, path: str, **params: str) -> list[dict[str, Any]]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    Bundle.model_validate(body)
    resources = [entry["resource"] for entry in body["entry"]]
    for resource in resources:
        MODELS[resource["resourceType"]].model_validate(resource)
    return resources


def _ext(element: dict[str, Any], url: str) -> dict[str, Any]:
    [found] = [e for e in element.get("extension", []) if e["url"] == url]
    return found


async def test_practitioner_as_the_national_directory_serves_it(
    client: httpx.AsyncClient, directory: dict[str, dict[str, str]]
) -> None:
    rpps = directory["goff"]["Identifiant PP"]
    [goff] = await _search(client, "/fhir/Practitioner", identifier=f"{RPPS}|{rpps}")
    identifiers = {i["system"]: i for i in goff["identifier"]}
    assert identifiers[IDNPS]["value"] == "8" + rpps
    assert identifiers[IDNPS]["type"]["coding"] == [{"system": V2_0203, "code": "IDNPS"}]
    assert identifiers[RPPS]["value"] == rpps
    assert identifiers[RPPS]["type"]["coding"] == [{"system": V2_0203, "code": "RPPS"}]
    [name] = goff["name"]
    assert name["family"] == "Le Goff" and name["suffix"] == ["DR"] and "prefix" not in name
    [telecom] = goff["telecom"]
    assert telecom["system"] == "email"
    assert telecom["value"] == "yves.le-goff@chu-st-etienne.mssante.fr"
    assert _ext(telecom, EMAIL_TYPE)["valueCoding"] == {"system": TRE_R256, "code": "MSSANTE"}
    [kind] = _ext(telecom, METADATA)["extension"]
    assert kind["url"] == "type"
    assert kind["valueCodeableConcept"]["coding"] == [{"system": TRE_R257, "code": "PER"}]
    codings = [c for q in goff["qualification"] for c in q["code"]["coding"]]
    by_system = {c["system"]: c["code"] for c in codings}
    assert by_system == {TRE_G15: "10", TRE_R09: "C", TRE_R38: "SM40"}
    assert datetime.fromisoformat(goff["meta"]["lastUpdated"]) <= datetime.now(UTC)
    # The IDNPS system takes the national id; a bare number of another system finds nothing.
    assert await _search(client, "/fhir/Practitioner", identifier=f"{IDNPS}|8{rpps}")
    assert not await _search(client, "/fhir/Practitioner", identifier=f"{IDNPS}|{rpps}")
    assert not await _search(client, "/fhir/Practitioner", identifier=f"{FINESS}|{rpps}")


async def test_roles_and_organizations_carry_typed_identifiers_and_mailboxes(
    client: httpx.AsyncClient, directory: dict[str, dict[str, str]]
) -> None:
    [role] = await _search(client, "/fhir/PractitionerRole", **{"mailbox-mss": "yves.le-goff"})
    [kind] = _ext(role["telecom"][0], METADATA)["extension"]
    assert kind["valueCodeableConcept"]["coding"][0]["code"] == "PER"

    # "SAINT-ÉTIENNE" (Yves Le Goff's practice) and "ST ETIENNE" (the CHU) both match.
    in_city = await _search(client, "/fhir/Organization", **{"address-city": "saint-etienne"})
    assert len(in_city) == 2
    abbreviated = await _search(client, "/fhir/Organization", **{"address-city": "ST ETIENNE"})
    assert [o["id"] for o in abbreviated] == [o["id"] for o in in_city]
    [chu] = [o for o in in_city if o["name"] == "CHU de Saint-Étienne"]
    national = directory["service"]["Identification Structure"]
    identifiers = {i["system"]: i for i in chu["identifier"]}
    assert identifiers[IDNST]["value"] == national
    assert identifiers[IDNST]["type"]["coding"][0]["code"] == "IDNST"
    assert identifiers[FINESS]["value"] == national[1:]
    [telecom] = chu["telecom"]
    [kind] = _ext(telecom, METADATA)["extension"]
    assert kind["valueCodeableConcept"]["coding"][0]["code"] == "ORG"
    assert await _search(client, "/fhir/Organization", identifier=f"{FINESS}|{national[1:]}")
    assert await _search(client, "/fhir/Organization", **{"address-postalcode": "420"})
    assert not await _search(client, "/fhir/Organization", **{"address-postalcode": "13"})
    assert not await _search(client, "/fhir/Organization", **{"address-city": "marseille"})
    assert len(await _search(client, "/fhir/Organization", **{"address-city": "lyon"})) == 2


@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    [
        ("mailbox-mss", "sophie.martin", ["martin"]),
        ("mailbox-mss:contains", "chu-st-etienne", ["goff"]),
        ("mailbox-mss:contains", "martin", ["martin"]),  # not the red-listed one
        ("mailbox-mss:exact", "yves.le-goff@chu-st-etienne.mssante.fr", ["goff"]),
        ("mailbox-mss:exact", "yves.le-goff", []),
        ("mailbox-mss", "chu-st-etienne", []),  # a string parameter starts the value
        ("family", "le g", ["goff"]),
        ("given", "soph", ["martin"]),
        ("name", "martin", ["martin", "hidden"]),
    ],
)
async def test_practitioner_search_parameters(
    client: httpx.AsyncClient,
    directory: dict[str, dict[str, str]],
    parameter: str,
    value: str,
    expected: list[str],
) -> None:
    found = await _search(client, "/fhir/Practitioner", **{parameter: value})
    ids = sorted(p["id"] for p in found)
    assert ids == sorted(directory[name]["Identification nationale PP"] for name in expected)


async def test_a_practitioner_shows_listed_mailboxes_only(
    client: httpx.AsyncClient, directory: dict[str, dict[str, str]]
) -> None:
    national = directory["hidden"]["Identification nationale PP"]
    shown = (await client.get(f"/fhir/Practitioner/{national}")).json()
    Practitioner.model_validate(shown)
    assert "telecom" not in shown


async def test_last_updated_and_paging(client: httpx.AsyncClient) -> None:
    past = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    future = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    for path in ("/fhir/Practitioner", "/fhir/PractitionerRole", "/fhir/Organization"):
        assert await _search(client, path, _lastUpdated=f"gt{past}")
        assert not await _search(client, path, _lastUpdated=f"gt{future}")
        assert await _search(client, path, _lastUpdated=f"lt{future}")
    first = (await client.get("/fhir/Practitioner", params={"_count": "2"})).json()
    links = {link["relation"]: link["url"] for link in first["link"]}
    second = (await client.get(links["next"])).json()
    ids = [e["resource"]["id"] for page in (first, second) for e in page["entry"]]
    assert len(ids) == len(set(ids)) == 3  # Anne Sans has no RPPS: no Practitioner


@pytest.mark.parametrize(
    "query",
    [
        "/fhir/Practitioner?email=x@y.fr",
        "/fhir/Practitioner?family:contains=dup",
        "/fhir/Practitioner?mailbox-mss:missing=true",
        "/fhir/Organization?address-city=a&address-city=b",
        "/fhir/PractitionerRole?_lastUpdated=2026-01-01",
        "/fhir/Organization?address-postalcode=",
        "/fhir/Practitioner?active=maybe",
    ],
)
async def test_unknown_or_broken_parameters_are_refused(
    client: httpx.AsyncClient, query: str
) -> None:
    response = await client.get(query)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/fhir+json")
    OperationOutcome.model_validate(response.json())


async def test_capability_statement(client: httpx.AsyncClient) -> None:
    response = await client.get("/fhir/metadata", headers={"Authorization": ""})
    assert response.status_code == 200
    statement = CapabilityStatement.model_validate(response.json())
    [rest] = statement.rest or []
    params = {str(r.type): {str(p.name) for p in r.searchParam or []} for r in rest.resource or []}
    assert {"mailbox-mss", "identifier", "family", "given", "name", "_lastUpdated"} <= params[
        "Practitioner"
    ]
    assert {"address-city", "address-postalcode", "mailbox-mss"} <= params["Organization"]
    # Every advertised parameter is accepted.
    for kind, names in params.items():
        for name in names - {"_count", "_offset", "_lastUpdated", "active"}:
            answer = await client.get(f"/fhir/{kind}", params={name: "1"})
            assert answer.status_code == 200, (kind, name, answer.text)
