"""Code-to-label tables of the national code sets, read from `directory/data/`.

The tables are data, not code, so that a refreshed nomenclature is a change of a CSV file. They are
read once per process (the files are small) and exposed as immutable mappings.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Code:
    """A code of a national code set with its label; ``rule`` names a check where one applies."""

    code: str
    label: str
    rule: str | None = None


def _read(name: str) -> Mapping[str, Code]:
    text = resources.files("directory").joinpath("data", name).read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text))
    table = {row["code"]: Code(row["code"], row["label"], row.get("rule")) for row in rows}
    return MappingProxyType(table)


@cache
def professions() -> Mapping[str, Code]:
    """TRE_G15 Profession de santé."""
    return _read("professions.csv")


@cache
def specialties() -> Mapping[str, Code]:
    """TRE_R38 Spécialité ordinale ("savoir-faire")."""
    return _read("specialties.csv")


@cache
def civilities() -> Mapping[str, Code]:
    """TRE_R11 Civilité d'exercice."""
    return _read("civilities.csv")


@cache
def categories() -> Mapping[str, Code]:
    """TRE_R09 Catégorie professionnelle."""
    return _read("categories.csv")


@cache
def pp_identifier_types() -> Mapping[str, Code]:
    """TRE_G08 Type d'identifiant PP, with the identifier check of each type."""
    return _read("pp_identifier_types.csv")


@cache
def structure_identifier_types() -> Mapping[str, Code]:
    """TRE_G07 Type d'identifiant structure, with the identifier check of each type."""
    return _read("structure_identifier_types.csv")


@cache
def fhir_systems() -> Mapping[str, Code]:
    """System URIs of the FHIR view's identifiers and codings (the ``label`` of each row)."""
    return _read("fhir_systems.csv")


@cache
def search_synonyms() -> Mapping[str, Code]:
    """Folded word of a label -> words people type for it ("pediatrie" -> "pediatre")."""
    return _read("search_synonyms.csv")


@cache
def street_types() -> Mapping[str, Code]:
    """La Poste's street type abbreviations (folded) -> the word written out ("av" -> "avenue")."""
    return _read("street_types.csv")


def label(table: Mapping[str, Code], code: str | None, from_file: str | None) -> str | None:
    """The label the source carried, else the table's label of ``code``, else None.

    The national file's own label wins: it is what the agency publishes for that line, and a
    table of ours may be older or wrong (DOMAIN.md).
    """
    if from_file:
        return from_file
    known = table.get(code) if code is not None else None
    return known.label if known is not None else None


def type_with_rule(table: Mapping[str, Code], rule: str) -> str:
    """The identifier type code of ``table`` checked by ``rule`` ("8" for RPPS, "1" for FINESS)."""
    return next(code for code, row in table.items() if row.rule == rule)
