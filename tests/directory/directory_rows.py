"""Valid lines of the national extraction, built for the directory tests."""

from __future__ import annotations

from types import ModuleType


class RowFactory:
    """Valid lines of the national extraction as {header name: value}, numbered identifiers."""

    def __init__(self, generator: ModuleType) -> None:
        self.generator = generator
        self.count = 0

    def _luhn(self, body: str) -> str:
        return body + str(self.generator.luhn_digit(body))

    def structure(self, number: int, name: str, city: str, postcode: str) -> dict[str, str]:
        """The structure columns of FINESS structure ``number``."""
        finess = self._luhn(f"{postcode[:2]}{number:06d}")
        return {
            "Type identifiant structure": "1",
            "Identification Structure": "1" + finess,
            "Raison Sociale structure BAL": name,
            "L4NUMEROVOIE structure BAL": "12",
            "NL4TYPEVOIE structure BAL": "RUE",
            "L4LIBELLEVOIE structure BAL": "de la République",
            "L6LIGNEACHEMINEMENT structure BAL": f"{postcode} {city.upper()}",
            "Code postal structure BAL": postcode,
            "Département structure BAL": postcode[:2],
            "Pays structure BAL": "France",
        }

    def person(
        self,
        given: str,
        family: str,
        city: str = "Lyon",
        postcode: str = "69003",
        profession: tuple[str, str] = ("10", "Médecin"),
        specialty: tuple[str, str] | None = ("SM26", "Qualifié en médecine générale"),
        structure: str = "Cabinet médical du Parc",
        address: str | None = None,
    ) -> dict[str, str]:
        """A PER line with a fresh RPPS number."""
        self.count += 1
        rpps = self._luhn(f"1{self.count:09d}")
        local = f"{self.generator.ascii_slug(given)}.{self.generator.ascii_slug(family)}"
        row = {
            "Type de BAL": "PER",
            "Adresse BAL": address or f"{local}{self.count}@medecin.mssante.fr",
            "Type Identifiant PP": "8",
            "Identifiant PP": rpps,
            "Identification nationale PP": "8" + rpps,
            "Civilité d'exercice": "DR",
            "Nom d'exercice": family,
            "Prénom d'exercice": given,
            "Code Profession": profession[0],
            "Libellé Profession": profession[1],
            "Dématérialisation": "O",
            **self.structure(self.count, structure, city, postcode),
        }
        if specialty is not None:
            row["Code savoir-faire"], row["Libellé savoir-faire"] = specialty
        return row

    def service(self, service: str, structure: str, city: str, postcode: str) -> dict[str, str]:
        """An ORG line of a service of a structure."""
        self.count += 1
        return {
            "Type de BAL": "ORG",
            "Adresse BAL": f"{self.generator.ascii_slug(service)}{self.count}@chu.mssante.fr",
            "Service de rattachement": service,
            **self.structure(self.count, structure, city, postcode),
        }

    def text(self, rows: list[dict[str, str]]) -> str:
        """The extraction file's text for ``rows``."""
        header = self.generator.HEADER
        lines = ["|".join(header) + "|"]
        lines += ["|".join(row.get(name, "") for name in header) + "|" for row in rows]
        return "\n".join(lines) + "\n"
