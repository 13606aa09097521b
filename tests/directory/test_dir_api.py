"""The JSON and FHIR views over HTTP: authentication, shapes, R4 validity, paging, red list."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from directory_rows import RowFactory
from directory_web import TOKEN, make_app
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole

from directory.service import DirectoryService

KEYS = (b"\x0a" * 32, b"\x0b" * 32)
R4_MODELS: dict[str, Any] = {
    "Practitioner": Practitioner,
    "PractitionerRole": PractitionerRole,
    "Organization": Organization,
}


@pytest.fixture
async def client(
    service: DirectoryService, rows: RowFactory, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app over a small directory: 25 Dupont, a service, a red-listed entry."""
    lines = [rows.person(f"Prénom{n:02d}", "Dupont") for n in range(25)]
    lines.append(rows.service("Service de cardiologie", "CHU de Lyon", "Lyon", "69003"))
    lines.append(rows.person("Secret", "Dupont", address="secret.dupont@medecin.mssante.fr"))
    path = tmp_path / "x.txt"
    path.write_text(rows.text(lines), encoding="utf-8")
    await service.import_file(path)
    await service.set_listed("secret.dupont@medecin.mssante.fr", False)
    await service.publish_local_account(
        "cabinet.roux@local.mssante.fr", "organisation", "Cabinet Roux", *KEYS
    )
    transport = httpx.ASGITransport(app=make_app(service))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers=headers
    ) as http:
        yield http


def _validate_bundle(body: dict[str, Any]) -> Bundle:
    bundle = Bundle.model_validate(body)
    for entry in body["entry"]:
        resource = entry["resource"]
        R4_MODELS[resource["resourceType"]].model_validate(resource)
    return bundle


@pytest.mark.parametrize(
    "path",
    [
        "/api/directory/search?q=dupont",
        "/api/directory/cabinet.roux@local.mssante.fr",
        "/fhir/Practitioner",
        "/fhir/PractitionerRole",
        "/fhir/Organization",
    ],
)
async def test_unauthenticated_requests_are_refused(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    response = await client.get(path, headers={"Authorization": ""})
    assert response.status_code == 401


async def test_json_search_and_show(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/directory/search", params={"q": "dupont", "limit": 10})
    assert response.status_code == 200
    body = response.json()
    assert body["has_more"] and len(body["entries"]) == 10
    assert all(e["family"] == "Dupont" for e in body["entries"])
    assert "secret.dupont@medecin.mssante.fr" not in response.text

    shown = await client.get("/api/directory/cabinet.roux@local.mssante.fr")
    assert shown.status_code == 200
    keys = shown.json()["keys"]
    assert base64.b64decode(keys["encryption_x25519"]) == KEYS[0]
    assert base64.b64decode(keys["signing_ed25519"]) == KEYS[1]

    hidden = await client.get("/api/directory/secret.dupont@medecin.mssante.fr")
    assert hidden.status_code == 404
    bad = await client.get("/api/directory/search", params={"q": "--"})
    assert bad.status_code == 422 and bad.json()["detail"]["field"] == "q"


async def test_fhir_practitioner_search_pages_with_links(client: httpx.AsyncClient) -> None:
    response = await client.get("/fhir/Practitioner", params={"family": "dup", "_count": 10})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    first = _validate_bundle(response.json())
    assert first.type == "searchset" and len(first.entry or []) == 10
    links = {link.relation: link.url for link in first.link or []}
    assert set(links) == {"self", "next"}
    seen = [e["resource"]["id"] for e in response.json()["entry"]]
    while "next" in links:
        body = (await client.get(str(links["next"]))).json()
        page = _validate_bundle(body)
        links = {link.relation: link.url for link in page.link or []}
        seen += [e["resource"]["id"] for e in body["entry"]]
    assert len(seen) == len(set(seen)) == 26  # the red-listed person is a public practitioner
    by_given = (await client.get("/fhir/Practitioner?given=prenom07")).json()
    [only] = by_given["entry"]
    one = await client.get(f"/fhir/Practitioner/{only['resource']['id']}")
    Practitioner.model_validate(one.json())
    by_id = (await client.get(f"/fhir/Practitioner?identifier={one.json()['id']}")).json()
    assert len(by_id["entry"]) == 1


async def test_fhir_roles_and_organizations(client: httpx.AsyncClient) -> None:
    roles = (await client.get("/fhir/PractitionerRole?_count=100")).json()
    _validate_bundle(roles)
    emails = [t["value"] for e in roles["entry"] for t in e["resource"]["telecom"]]
    assert len(emails) == 25 and "secret.dupont@medecin.mssante.fr" not in emails
    role = roles["entry"][0]["resource"]
    reference = role["practitioner"]["reference"]
    mine = (await client.get(f"/fhir/PractitionerRole?practitioner={reference}")).json()
    assert [e["resource"]["id"] for e in mine["entry"]] == [role["id"]]
    single = await client.get(f"/fhir/PractitionerRole/{role['id']}")
    PractitionerRole.model_validate(single.json())

    orgs = (await client.get("/fhir/Organization?name=chu")).json()
    _validate_bundle(orgs)
    [chu] = orgs["entry"]
    assert chu["resource"]["telecom"][0]["system"] == "email"
    read = await client.get(f"/fhir/Organization/{chu['resource']['id']}")
    Organization.model_validate(read.json())


async def test_fhir_errors_are_operation_outcomes(client: httpx.AsyncClient) -> None:
    for path in ("/fhir/Practitioner?_count=0", "/fhir/Organization?name=", "/fhir/x"):
        response = await client.get(path)
        assert response.status_code in (400, 404)
        if response.status_code == 400:
            OperationOutcome.model_validate(response.json())
    missing = await client.get("/fhir/Practitioner/000")
    assert missing.status_code == 404
    OperationOutcome.model_validate(missing.json())
