"""Check digits and shapes of the national identifiers found in the directory.

Every function returns the canonical form of a valid identifier or raises `InvalidField` naming
the field and the rule, so that an import report tells the operator exactly what is wrong with a
line. The rules come from DOMAIN.md; the ones marked unconfirmed there are single constants here.
"""

from __future__ import annotations

from directory.errors import InvalidField

# DOMAIN.md marks the ADELI key as unconfirmed: flip this one constant if it is not a Luhn key.
ADELI_HAS_LUHN_KEY = True

# La Poste's SIREN predates the Luhn rule; its SIRETs use "digit sum divisible by 5" instead.
LA_POSTE_SIREN = "356000000"

# Corsican departments inside a NIR count as these numbers in the key computation.
_NIR_CORSICA = {"2A": "19", "2B": "18"}
_NIR_SEX_DIGITS = frozenset("1278")


# Luhn doubles every second digit from the right, subtracting 9 past 9.
_DOUBLED = {str(d): (2 * d if d < 5 else 2 * d - 9) for d in range(10)}


def luhn_is_valid(digits: str) -> bool:
    """Whether a string of decimal digits ends with a correct Luhn check digit."""
    total = sum(map(int, digits[-1::-2])) + sum(map(_DOUBLED.__getitem__, digits[-2::-2]))
    return total % 10 == 0


def _require_digits(value: str, length: int, field: str, name: str) -> None:
    if len(value) != length or not value.isascii() or not value.isdigit():
        raise InvalidField(field, f"{name}: exactly {length} digits", value)


def validate_rpps(value: str, field: str = "RPPS") -> str:
    """An RPPS number: 11 digits, the last a Luhn check digit."""
    _require_digits(value, 11, field, "RPPS")
    if not luhn_is_valid(value):
        raise InvalidField(field, "RPPS: the last digit must be the Luhn check digit", value)
    return value


def validate_adeli(value: str, field: str = "ADELI") -> str:
    """An ADELI number: 9 digits (Luhn key, unconfirmed: see `ADELI_HAS_LUHN_KEY`)."""
    _require_digits(value, 9, field, "ADELI")
    if ADELI_HAS_LUHN_KEY and not luhn_is_valid(value):
        raise InvalidField(field, "ADELI: the last digit must be the Luhn check digit", value)
    return value


def validate_finess(value: str, field: str = "FINESS") -> str:
    """A FINESS number: 9 characters, Luhn key; may start with 2A/2B (Corsica).

    How the key treats 2A/2B is not in DOMAIN.md; here they count as "20" (department 20 before
    the split), one line to change if the agency says otherwise.
    """
    canonical = value.upper()
    body = canonical
    if canonical[:2] in ("2A", "2B"):
        body = "20" + canonical[2:]
    if len(canonical) != 9 or not body.isascii() or not body.isdigit():
        raise InvalidField(field, "FINESS: 9 characters, digits (2A/2B allowed first)", value)
    if not luhn_is_valid(body):
        raise InvalidField(field, "FINESS: the last digit must be the Luhn check digit", value)
    return canonical


def validate_siren(value: str, field: str = "SIREN") -> str:
    """A SIREN: 9 digits, Luhn key."""
    _require_digits(value, 9, field, "SIREN")
    if not luhn_is_valid(value):
        raise InvalidField(field, "SIREN: the last digit must be the Luhn check digit", value)
    return value


def validate_siret(value: str, field: str = "SIRET") -> str:
    """A SIRET: 14 digits, Luhn key.

    La Poste's establishments (SIREN 356000000) are too many for the Luhn key space: theirs are
    valid when the digit sum is a multiple of 5 (the head office also satisfies Luhn).
    """
    _require_digits(value, 14, field, "SIRET")
    if luhn_is_valid(value):
        return value
    if value.startswith(LA_POSTE_SIREN):
        if sum(ord(c) - 48 for c in value) % 5 == 0:
            return value
        raise InvalidField(field, "SIRET (La Poste): the digit sum must be divisible by 5", value)
    raise InvalidField(field, "SIRET: the last digit must be the Luhn check digit", value)


def nir_key(body: str) -> int:
    """The 2-digit key of a 13-character NIR body (97 - N mod 97, Corsica mapped)."""
    department = body[5:7]
    digits = body[:5] + _NIR_CORSICA.get(department, department) + body[7:]
    return 97 - int(digits) % 97


def validate_nir(value: str, field: str = "INS") -> str:
    """A NIR / INS matricule: 13 characters and a 2-digit key.

    The first digit is the sex (1, 2; 7, 8 for provisional numbers); the department may be
    2A or 2B (Corsica).
    """
    canonical = value.upper().replace(" ", "")
    if len(canonical) != 15 or not canonical.isascii():
        raise InvalidField(field, "NIR: 13 characters followed by a 2-digit key", value)
    body, key = canonical[:13], canonical[13:]
    department = body[5:7]
    plain = body[:5] + _NIR_CORSICA.get(department, department) + body[7:]
    if not plain.isdigit() or not key.isdigit():
        raise InvalidField(field, "NIR: digits only, except 2A/2B as the department", value)
    if body[0] not in _NIR_SEX_DIGITS:
        raise InvalidField(field, "NIR: the first digit must be 1, 2, 7 or 8", value)
    if nir_key(body) != int(key):
        raise InvalidField(field, "NIR: the key must equal 97 - (number mod 97)", value)
    return canonical
