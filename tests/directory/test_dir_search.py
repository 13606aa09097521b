"""Search: accents, case, prefixes, words in any order, ranking, paging, red list."""

from __future__ import annotations

from pathlib import Path

import pytest
from directory_rows import RowFactory

from directory import store_search
from directory.errors import InvalidField
from directory.service import DirectoryService

CARDIO = ("SM04", "Cardiologie et maladies vasculaires")
GP = ("SM26", "Qualifié en médecine générale")
PAEDIATRICS = ("SM39", "Pédiatrie")
NURSE = ("60", "Infirmier")


@pytest.fixture
async def people(service: DirectoryService, rows: RowFactory, tmp_path: Path) -> dict[str, str]:
    """A small directory; returns the address of each entry by a short name."""
    entries = {
        "thierry": rows.person("Thierry", "Dupont", specialty=CARDIO),
        "marie": rows.person("Marie", "Dupont", "Saint-Étienne", "42000", specialty=GP),
        "elodie": rows.person("Élodie", "Martin", "Paris", "75011", specialty=PAEDIATRICS),
        "jean": rows.person("Jean", "Dupond", specialty=CARDIO),
        "paul": rows.person("Paul", "Lyon", "Paris", "75015", specialty=GP),
        "anne": rows.person("Anne", "Saint-Martin", profession=NURSE, specialty=None),
        "secret": rows.person("Secret", "Dupont", specialty=CARDIO),
        "cardio": rows.service("Service de cardiologie", "CHU de Lyon", "Lyon", "69003"),
    }
    path = tmp_path / "people.txt"
    path.write_text(rows.text(list(entries.values())), encoding="utf-8")
    report = await service.import_file(path)
    assert report.added == len(entries)
    addresses = {name: row["Adresse BAL"] for name, row in entries.items()}
    await service.set_listed(addresses["secret"], False)
    return addresses


async def _found(service: DirectoryService, query: str, limit: int = 20) -> list[str]:
    page = await service.search(query, limit=limit)
    return [entry.address for entry in page.entries]


async def test_several_words_in_any_order(
    service: DirectoryService, people: dict[str, str]
) -> None:
    assert await _found(service, "dupont cardio lyon") == [people["thierry"]]
    assert await _found(service, "LYON Cardio DUPONT") == [people["thierry"]]


@pytest.mark.parametrize("query", ["élodie", "ELODIE", "elo", "Élo martin 75011"])
async def test_accents_case_and_prefixes(
    service: DirectoryService, people: dict[str, str], query: str
) -> None:
    assert await _found(service, query) == [people["elodie"]]


async def test_abbreviated_saint(service: DirectoryService, people: dict[str, str]) -> None:
    assert await _found(service, "st-etienne") == [people["marie"]]
    assert await _found(service, "ST ÉTIENNE dupont") == [people["marie"]]


async def test_exact_surname_first_then_surname_prefix_then_the_rest(
    service: DirectoryService, people: dict[str, str]
) -> None:
    # Paul Lyon is named Lyon; the others only work there.
    found = await _found(service, "lyon")
    assert found[0] == people["paul"]
    assert set(found[1:]) == {people[n] for n in ("thierry", "jean", "anne", "cardio")}
    assert await _found(service, "dup") == [people["jean"], people["marie"], people["thierry"]]
    assert (await _found(service, "martin"))[0] == people["elodie"]


async def test_words_longer_than_the_indexed_prefixes(
    service: DirectoryService, people: dict[str, str]
) -> None:
    cardiologists = {people["thierry"], people["jean"], people["cardio"]}
    assert set(await _found(service, "cardiologie")) == cardiologists
    assert set(await _found(service, "CARDIOLOG lyon")) == cardiologists
    assert await _found(service, "cardiologiste") == []
    assert await _found(service, "qualifie generale dupont") == [people["marie"]]


async def test_structure_and_postcode(service: DirectoryService, people: dict[str, str]) -> None:
    assert await _found(service, "chu") == [people["cardio"]]
    assert await _found(service, "75015") == [people["paul"]]


async def test_paging(service: DirectoryService, people: dict[str, str]) -> None:
    first = await service.search("lyon", limit=2)
    assert first.has_more and len(first.entries) == 2
    rest = await service.search("lyon", limit=10, offset=2)
    assert not rest.has_more
    everything = await _found(service, "lyon")
    assert [e.address for e in first.entries + rest.entries] == everything


async def test_red_list_is_never_searched_but_resolves(
    service: DirectoryService, people: dict[str, str]
) -> None:
    assert await _found(service, "secret") == []
    assert people["secret"] not in await _found(service, "dupont")
    entry = await service.resolve(people["secret"])
    assert entry is not None and not entry.listed


async def test_the_index_walk_ranks_like_the_small_set_sort(
    service: DirectoryService, people: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = ["lyon", "dup", "dupont cardio lyon", "st-etienne", "a", "martin", "chu lyon"]
    small = {q: await _found(service, q) for q in queries}
    monkeypatch.setattr(store_search, "SELECTIVE_LIMIT", 0)
    assert {q: await _found(service, q) for q in queries} == small


async def test_queries_are_validated(service: DirectoryService) -> None:
    with pytest.raises(InvalidField, match="q: '--' is invalid: at least one letter or digit"):
        await service.search("--")
    with pytest.raises(InvalidField, match="limit"):
        await service.search("x", limit=0)
    with pytest.raises(InvalidField, match="offset"):
        await service.search("x", offset=store_search.MAX_WINDOW)
    assert (await service.search("zzzz")).entries == ()
