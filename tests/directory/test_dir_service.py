"""The directory's interface to the rest of the server: publish, resolve, classify."""

from __future__ import annotations

from pathlib import Path

import pytest
from directory_rows import RowFactory
from directory_values import PATIENT_DOMAIN

from directory.errors import InvalidField
from directory.model import AddressKind
from directory.service import DirectoryService

ENCRYPTION, SIGNING = b"\x11" * 32, b"\x22" * 32


async def test_publish_then_resolve_with_keys(service: DirectoryService) -> None:
    await service.publish_local_account(
        "Cabinet.Roux@Local.MSSante.fr", "organisation", "Cabinet Roux", ENCRYPTION, SIGNING
    )
    entry = await service.resolve("cabinet.roux@local.mssante.fr")
    assert entry is not None and entry.local and not entry.national
    assert entry.kind is AddressKind.ORGANISATION and entry.listed
    assert (entry.encryption_key, entry.signing_key) == (ENCRYPTION, SIGNING)
    assert [e.address for e in (await service.search("roux")).entries] == [entry.address]

    rotated = b"\x33" * 32
    await service.publish_local_account(
        entry.address, "organisation", "Cabinet médical Roux", rotated, SIGNING
    )
    again = await service.resolve(entry.address)
    assert again is not None and again.encryption_key == rotated
    assert [e.address for e in (await service.search("medical roux")).entries] == [entry.address]


async def test_patients_are_published_on_the_red_list(service: DirectoryService) -> None:
    address = f"184127645108946@{PATIENT_DOMAIN}"
    await service.publish_local_account(address, "patient", "Jean Patient", ENCRYPTION, SIGNING)
    entry = await service.resolve(address)
    assert entry is not None and not entry.listed and entry.kind is AddressKind.PATIENT
    assert (await service.search("patient")).entries == ()


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        (("not-an-address", "professional", "X", ENCRYPTION, SIGNING), "address"),
        (("a@b.fr", "robot", "X", ENCRYPTION, SIGNING), "kind"),
        (("a@b.fr", "unknown", "X", ENCRYPTION, SIGNING), "kind"),
        (("a@b.fr", "professional", "  ", ENCRYPTION, SIGNING), "display_name"),
        (("a@b.fr", "professional", "X", b"short", SIGNING), "encryption_key"),
        (("a@b.fr", "professional", "X", ENCRYPTION, b"\x00" * 64), "signing_key"),
    ],
)
async def test_publish_validates_every_argument(
    service: DirectoryService, arguments: tuple[str, str, str, bytes, bytes], field: str
) -> None:
    with pytest.raises(InvalidField) as caught:
        await service.publish_local_account(*arguments)
    assert caught.value.field == field


async def test_classify(service: DirectoryService, rows: RowFactory, tmp_path: Path) -> None:
    person = rows.person("Jean", "Martin")
    ward = rows.service("Urgences", "CHU de Lyon", "Lyon", "69003")
    app = dict(rows.service("Résultats", "Labo", "Lyon", "69003"), **{"Type de BAL": "APP"})
    path = tmp_path / "x.txt"
    path.write_text(rows.text([person, ward, app]), encoding="utf-8")
    await service.import_file(path)
    await service.set_listed(person["Adresse BAL"], False)

    assert await service.classify(person["Adresse BAL"].upper()) is AddressKind.PROFESSIONAL
    assert await service.classify(ward["Adresse BAL"]) is AddressKind.ORGANISATION
    assert await service.classify(app["Adresse BAL"]) is AddressKind.APPLICATION
    assert await service.classify(f"184127645108946@{PATIENT_DOMAIN}") is AddressKind.PATIENT
    assert await service.classify(f"184127645108947@{PATIENT_DOMAIN}") is AddressKind.UNKNOWN
    assert await service.classify("someone@gmail.com") is AddressKind.UNKNOWN
    assert await service.classify("not an address") is AddressKind.UNKNOWN
