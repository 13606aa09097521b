"""Write a realistic national extraction of secure-messaging addresses.

    python bench/directory/generate.py ROWS OUT [--broken SHARE] [--seed N]

The file has the national layout (UTF-8, `|`-separated, header, trailing `|`), every column the
domain notes name plus a few extra ones the reader must tolerate, French names with accents,
hyphenated and abbreviated cities, valid RPPS/ADELI/FINESS/SIRET check digits, and a controlled
share of broken lines of known kinds (counted in the returned `Stats`). Deterministic for a seed.
Never commit an output: write it under /tmp.
"""

from __future__ import annotations

import argparse
import random
import sys
import unicodedata
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from names import (
    APPLICATIONS,
    CITIES,
    DOMAINS,
    GIVEN_FEMALE,
    GIVEN_MALE,
    PROFESSIONS,
    SERVICES,
    STREET_TYPES,
    STREETS,
    STRUCTURES,
    SURNAMES,
)

# fmt: off
HEADER = (
    "Type de BAL", "Adresse BAL", "Type Identifiant PP", "Identifiant PP",
    "Identification nationale PP", "Type identifiant structure", "Identification Structure",
    "Service de rattachement", "Civilité d'exercice", "Nom d'exercice", "Prénom d'exercice",
    "Catégorie profession", "Libellé de catégorie profession", "Code Profession",
    "Libellé Profession", "Code savoir-faire", "Libellé savoir-faire", "Dématérialisation",
    "Raison Sociale structure BAL", "Enseigne commerciale structure BAL",
    "L2COMPLEMENTLOCALISATION structure BAL", "L3COMPLEMENTDISTRIBUTION structure BAL",
    "L4NUMEROVOIE structure BAL", "L4COMPLEMENTNUMEROVOIE structure BAL",
    "NL4TYPEVOIE structure BAL", "L4LIBELLEVOIE structure BAL", "L5LIEUDITMENTION structure BAL",
    "L6LIGNEACHEMINEMENT structure BAL", "Code postal structure BAL", "Département structure BAL",
    "Pays structure BAL",
)
COLUMN = {name: index for index, name in enumerate(HEADER)}
BROKEN_KINDS = (
    "rpps-check", "finess-check", "address", "field-count", "mailbox-type", "utf8",
    "duplicate", "national-id",
)
# fmt: on


def luhn_digit(body: str) -> str:
    """The digit that, appended to ``body``, makes a valid Luhn number."""
    total = 0
    for position, char in enumerate(reversed(body)):
        value = int(char)
        if position % 2 == 0:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str(-total % 10)


def ascii_slug(text: str) -> str:
    """An address-friendly form of a name: no accents, lower-case, words joined by hyphens."""
    plain = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "Oe"))
    plain = plain.encode("ascii", "ignore").decode().lower().replace("'", "")
    return "-".join(plain.split())


def _zipf(count: int) -> list[float]:
    return list(accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(count)))


@dataclass
class Stats:
    """What a generated file holds: lines written and broken lines by kind."""

    rows: int = 0
    broken: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Structure:
    id_type: str
    identifier: str
    name: str
    trade_name: str
    number: str
    street_type: str
    street: str
    city: str
    postcode: str
    department: str
    domain: str


class ExtractionWriter:
    """Produces lines of an extraction from one seeded random stream."""

    def __init__(self, rows: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.structure_count = max(1, rows // 20)
        self.structures: dict[int, _Structure] = {}
        self.used: Counter[str] = Counter()
        self.recent: deque[tuple[str, str, str, str, str]] = deque(maxlen=500)
        self.practitioners = 0
        self.surname_weights = _zipf(len(SURNAMES))
        self.given = GIVEN_FEMALE + GIVEN_MALE
        self.given_weights = _zipf(len(GIVEN_FEMALE)) + [
            w + _zipf(len(GIVEN_FEMALE))[-1] for w in _zipf(len(GIVEN_MALE))
        ]
        self.city_weights = _zipf(len(CITIES))
        self.profession_weights = list(accumulate(p[2] for p in PROFESSIONS))

    def structure(self, index: int) -> _Structure:
        """Structure number ``index``, the same each time it is asked for."""
        known = self.structures.get(index)
        if known is not None:
            return known
        rng = random.Random(self.seed * 1_000_003 + index)
        city, postcode, department = rng.choices(CITIES, cum_weights=self.city_weights)[0]
        pattern, id_type = rng.choice(STRUCTURES)
        surname = rng.choices(SURNAMES, cum_weights=self.surname_weights)[0]
        name = pattern.format(city=city, surname=surname)
        if id_type == "1":
            body = department[:2] + f"{index % 1_000_000:06d}"
            key_body = body.replace("2A", "20", 1).replace("2B", "20", 1)
            identifier = "1" + body + luhn_digit(key_body)
        else:
            siren = f"{(index * 7919) % 100_000_000:08d}"
            siren += luhn_digit(siren)
            nic = f"{index % 10_000:04d}"
            identifier = "3" + siren + nic + luhn_digit(siren + nic)
        structure = _Structure(
            id_type=id_type,
            identifier=identifier,
            name=name.upper() if rng.random() < 0.3 else name,
            trade_name=name if rng.random() < 0.5 else "",
            number=str(rng.randint(1, 180)),
            street_type=rng.choice(STREET_TYPES),
            street=rng.choice(STREETS),
            city=city,
            postcode=postcode,
            department=department,
            domain=rng.choice(DOMAINS),
        )
        self.structures[index] = structure
        return structure

    def _address(self, local: str, domain: str) -> str:
        key = f"{local}@{domain}"
        self.used[key] += 1
        count = self.used[key]
        return key if count == 1 else f"{local}{count}@{domain}"

    def _person(self) -> tuple[str, str, str, str, str]:
        """(id type, identifier, family, given, profession index) of a new or known person."""
        if self.recent and self.rng.random() < 0.08:
            return self.rng.choice(self.recent)
        rng = self.rng
        profession = rng.choices(range(len(PROFESSIONS)), cum_weights=self.profession_weights)[0]
        self.practitioners += 1
        if rng.randrange(100) < PROFESSIONS[profession][4]:
            body = f"{rng.randrange(1, 96):02d}{self.practitioners % 1_000_000:06d}"
            id_type, identifier = "0", body + luhn_digit(body)
        else:
            body = f"1{self.practitioners:09d}"
            id_type, identifier = "8", body + luhn_digit(body)
        family = rng.choices(SURNAMES, cum_weights=self.surname_weights)[0]
        given = rng.choices(self.given, cum_weights=self.given_weights)[0]
        person = (id_type, identifier, family, given, str(profession))
        self.recent.append(person)
        return person

    def line(self) -> list[str]:
        """The fields of one valid line."""
        rng = self.rng
        fields = [""] * len(HEADER)
        structure = self.structure(rng.randrange(self.structure_count))
        draw = rng.random()
        if draw < 0.72:
            self._fill_person(fields, structure)
        else:
            self._fill_service(fields, structure, applicative=draw > 0.96)
        fields[COLUMN["Type identifiant structure"]] = structure.id_type
        fields[COLUMN["Identification Structure"]] = structure.identifier
        fields[COLUMN["Raison Sociale structure BAL"]] = structure.name
        fields[COLUMN["Enseigne commerciale structure BAL"]] = structure.trade_name
        fields[COLUMN["L4NUMEROVOIE structure BAL"]] = structure.number
        fields[COLUMN["NL4TYPEVOIE structure BAL"]] = structure.street_type
        fields[COLUMN["L4LIBELLEVOIE structure BAL"]] = structure.street
        fields[COLUMN["L6LIGNEACHEMINEMENT structure BAL"]] = (
            f"{structure.postcode} {structure.city.upper()}"
        )
        fields[COLUMN["Code postal structure BAL"]] = structure.postcode
        fields[COLUMN["Département structure BAL"]] = structure.department
        fields[COLUMN["Pays structure BAL"]] = "France"
        fields[COLUMN["Dématérialisation"]] = "O" if rng.random() < 0.7 else "N"
        return fields

    def _fill_person(self, fields: list[str], structure: _Structure) -> None:
        rng = self.rng
        id_type, identifier, family, given, profession_index = self._person()
        code, label, _, specialties, _ = PROFESSIONS[int(profession_index)]
        domain = structure.domain if rng.random() < 0.5 else DOMAINS[int(profession_index) % 6]
        fields[COLUMN["Type de BAL"]] = "PER"
        fields[COLUMN["Adresse BAL"]] = self._address(
            f"{ascii_slug(given)}.{ascii_slug(family)}", domain
        )
        fields[COLUMN["Type Identifiant PP"]] = id_type
        fields[COLUMN["Identifiant PP"]] = identifier
        fields[COLUMN["Identification nationale PP"]] = id_type + identifier
        fields[COLUMN["Civilité d'exercice"]] = "DR" if code in ("10", "21", "40") else ""
        fields[COLUMN["Nom d'exercice"]] = family.upper() if rng.random() < 0.5 else family
        fields[COLUMN["Prénom d'exercice"]] = given
        category = "C" if rng.random() < 0.97 else "M"
        fields[COLUMN["Catégorie profession"]] = category
        fields[COLUMN["Libellé de catégorie profession"]] = (
            "Civil" if category == "C" else "Agent public"
        )
        fields[COLUMN["Code Profession"]] = code
        fields[COLUMN["Libellé Profession"]] = label
        if specialties:
            specialty_code, specialty_label = rng.choice(specialties)
            fields[COLUMN["Code savoir-faire"]] = specialty_code
            fields[COLUMN["Libellé savoir-faire"]] = specialty_label

    def _fill_service(self, fields: list[str], structure: _Structure, applicative: bool) -> None:
        rng = self.rng
        service = rng.choice(APPLICATIONS if applicative else SERVICES)
        fields[COLUMN["Type de BAL"]] = "APP" if applicative else "ORG"
        fields[COLUMN["Adresse BAL"]] = self._address(
            f"{ascii_slug(service)}.{ascii_slug(structure.city)}", structure.domain
        )
        fields[COLUMN["Service de rattachement"]] = service

    def broken_line(self, fields: list[str], kind: str, previous: str) -> bytes:
        """Break a valid line in one known way."""
        if kind == "rpps-check":
            fields[COLUMN["Type de BAL"]] = "PER"
            fields[COLUMN["Type Identifiant PP"]] = "8"
            body = f"1{self.rng.randrange(10**9):09d}"
            wrong = str((int(luhn_digit(body)) + 1) % 10)
            fields[COLUMN["Identifiant PP"]] = body + wrong
            fields[COLUMN["Identification nationale PP"]] = "8" + body + wrong
            fields[COLUMN["Nom d'exercice"]] = fields[COLUMN["Nom d'exercice"]] or "Martin"
        elif kind == "finess-check":
            fields[COLUMN["Type identifiant structure"]] = "1"
            body = f"75{self.rng.randrange(10**6):06d}"
            fields[COLUMN["Identification Structure"]] = (
                "1" + body + str((int(luhn_digit(body)) + 3) % 10)
            )
        elif kind == "address":
            fields[COLUMN["Adresse BAL"]] = fields[COLUMN["Adresse BAL"]].replace("@", "@@")
        elif kind == "field-count":
            del fields[COLUMN["Service de rattachement"]]
        elif kind == "mailbox-type":
            fields[COLUMN["Type de BAL"]] = "XYZ"
        elif kind == "duplicate":
            fields[COLUMN["Adresse BAL"]] = previous
        elif kind == "national-id":
            if fields[COLUMN["Type de BAL"]] == "PER":
                declared = "8" if fields[COLUMN["Type Identifiant PP"]] == "0" else "0"
                fields[COLUMN["Identification nationale PP"]] = (
                    declared + fields[COLUMN["Identifiant PP"]]
                )
            else:
                fields[COLUMN["Type de BAL"]] = "PER"
        data = ("|".join(fields) + "|\n").encode()
        if kind == "utf8":
            data = data.replace(b"|", b"|\xff\xfe", 1)
        return data


def write_extraction(path: Path, rows: int, broken_share: float = 0.0, seed: int = 1) -> Stats:
    """Write ``rows`` data lines to ``path``; about ``broken_share`` of them broken."""
    writer = ExtractionWriter(rows, seed)
    stats = Stats()
    previous = ""
    with path.open("wb", buffering=1 << 20) as out:
        out.write(("|".join(HEADER) + "|\n").encode())
        for _ in range(rows):
            fields = writer.line()
            if previous and writer.rng.random() < broken_share:
                kind = writer.rng.choice(BROKEN_KINDS)
                out.write(writer.broken_line(fields, kind, previous))
                stats.broken[kind] += 1
            else:
                out.write(("|".join(fields) + "|\n").encode())
                previous = fields[COLUMN["Adresse BAL"]]
            stats.rows += 1
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("rows", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--broken", type=float, default=0.01, help="share of broken lines")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    stats = write_extraction(args.out, args.rows, args.broken, args.seed)
    print(f"{stats.rows} lines written to {args.out}, {sum(stats.broken.values())} broken:")
    for kind, count in sorted(stats.broken.items()):
        print(f"  {kind}: {count}")


if __name__ == "__main__":
    main()
