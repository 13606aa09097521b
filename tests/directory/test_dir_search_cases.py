"""Search as people type (issue 14): civility, profession nouns, RPPS, address, domain,
particles, "st", hyphenated given names, and the city weighed against names; on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from directory_rows import RowFactory

from directory import store_search
from directory.service import DirectoryService

CARDIO = ("SM04", "Cardiologie et maladies vasculaires")
GP = ("SM54", "Médecine générale")
PAEDIATRICS = ("SM40", "Pédiatrie")
PHYSIO = ("70", "Masseur-kinésithérapeute")
PHARMACIST = ("21", "Pharmacien")


@pytest.fixture
async def people(
    service: DirectoryService, rows: RowFactory, tmp_path: Path
) -> dict[str, dict[str, str]]:
    """A small directory in the real layout; returns each line by a short name."""
    entries = {
        "dupont": rows.person("Thierry", "Dupont", specialty=CARDIO),
        "dupont_paris": rows.person("Luc", "Dupont", "Paris", "75011", specialty=GP),
        "le_goff": rows.person(
            "Yves",
            "Le Goff",
            "Saint-Étienne",
            "42000",
            specialty=PAEDIATRICS,
            address="yves.le-goff@chu-st-etienne.mssante.fr",
        ),
        "kine": rows.person("Paul", "Roux", "Paris", "75015", profession=PHYSIO, specialty=None),
        "de_la_tour": rows.person("Claire", "de la Tour", profession=PHARMACIST, specialty=None),
        "jp_martin": rows.person("Jean-Pierre", "Martin", "Saint-Étienne", "42000", specialty=GP),
        "j_martin": rows.person(
            "Jean",
            "Martin",
            "Saint-Étienne",
            "42000",
            specialty=GP,
            structure="Cabinet Saint-Pierre",
        ),
        "alban": rows.person("Étienne", "Alban", structure="Cabinet Stéphane", specialty=CARDIO),
    }
    # The national file has PER mailboxes without an RPPS.
    for field in ("Type Identifiant PP", "Identifiant PP", "Identification nationale PP"):
        entries["de_la_tour"][field] = ""
    path = tmp_path / "people.txt"
    path.write_text(rows.text(list(entries.values())), encoding="utf-8")
    report = await service.import_file(path)
    assert report.added == len(entries)
    return entries


async def _found(service: DirectoryService, query: str) -> list[str]:
    page = await service.search(query, limit=20)
    return [entry.address for entry in page.entries]


def _at(people: dict[str, dict[str, str]], *names: str) -> list[str]:
    return [people[name]["Adresse BAL"] for name in names]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dr dupont lyon", ["dupont"]),
        ("Docteur Dupont", ["dupont_paris", "dupont"]),
        ("pédiatre", ["le_goff"]),
        ("pediatre saint-etienne", ["le_goff"]),
        ("cardiologue", ["alban", "dupont"]),
        ("généraliste paris", ["dupont_paris"]),
        ("kiné", ["kine"]),
        ("legoff", ["le_goff"]),
        ("Le Goff", ["le_goff"]),
        ("de la Tour", ["de_la_tour"]),
        ("delatour", ["de_la_tour"]),
        ("chu-st-etienne.mssante.fr", ["le_goff"]),
        ("12 rue de la République 75015 Paris", ["kine"]),
    ],
)
async def test_search_as_people_type(
    service: DirectoryService,
    people: dict[str, dict[str, str]],
    query: str,
    expected: list[str],
) -> None:
    assert await _found(service, query) == _at(people, *expected)


async def test_rpps_and_national_identification(
    service: DirectoryService, people: dict[str, dict[str, str]]
) -> None:
    rpps = people["kine"]["Identifiant PP"]
    assert await _found(service, rpps) == _at(people, "kine")
    assert await _found(service, "8" + rpps) == _at(people, "kine")


@pytest.fixture(params=["sorted", "walked"])
def ranking(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of ranking: one sorting query (few matches), or the walk of the name index
    (many matches), forced here by a limit of 0."""
    if request.param == "walked":
        monkeypatch.setattr(store_search, "SELECTIVE_LIMIT", 0)
    return str(request.param)


async def test_st_etienne_finds_the_city_before_people_named_etienne(
    service: DirectoryService, people: dict[str, dict[str, str]], ranking: str
) -> None:
    city = set(_at(people, "le_goff", "jp_martin", "j_martin"))
    for query in ("st etienne", "ST-ETIENNE"):
        # "st" also starts "Stéphane", Étienne Alban's practice: he comes after the city.
        found = await _found(service, query)
        assert found[-1] == people["alban"]["Adresse BAL"], (query, found)
        assert set(found[:-1]) == city, (query, found)
    for query in ("saint etienne", "Saint-Étienne"):
        assert set(await _found(service, query)) == city, query


async def test_a_hyphenated_given_name_ranks_its_bearer_first(
    service: DirectoryService, people: dict[str, dict[str, str]], ranking: str
) -> None:
    # Jean Martin works at the Cabinet Saint-Pierre: he matches too, after Jean-Pierre.
    assert await _found(service, "jean-pierre martin") == _at(people, "jp_martin", "j_martin")
    assert await _found(service, "jean martin") == _at(people, "j_martin", "jp_martin")
