"""Check digits of national identifiers and address syntax: each refusal names field and rule."""

from __future__ import annotations

import pytest

from directory.addresses import validate_address
from directory.errors import InvalidField
from directory.identifiers import (
    luhn_is_valid,
    validate_adeli,
    validate_finess,
    validate_nir,
    validate_rpps,
    validate_siren,
    validate_siret,
)


def test_luhn_on_published_numbers() -> None:
    # SIREN and SIRET of INSEE's documentation example; AP-HP's FINESS.
    assert luhn_is_valid("732829320")
    assert luhn_is_valid("73282932000074")
    assert luhn_is_valid("750712184")
    assert not luhn_is_valid("732829321")


def test_rpps() -> None:
    assert validate_rpps("10000000017") == "10000000017"
    with pytest.raises(InvalidField, match="RPPS: the last digit must be the Luhn check digit"):
        validate_rpps("10000000018")
    with pytest.raises(InvalidField, match="exactly 11 digits") as caught:
        validate_rpps("1000000001", field="Identifiant PP")
    assert caught.value.field == "Identifiant PP"
    with pytest.raises(InvalidField, match="exactly 11 digits"):
        validate_rpps("1000000001٧")  # a non-ASCII digit


def test_adeli() -> None:
    assert validate_adeli("030000020") == "030000020"
    with pytest.raises(InvalidField, match="ADELI: the last digit must be the Luhn check digit"):
        validate_adeli("030000021")
    with pytest.raises(InvalidField, match="ADELI: exactly 9 digits"):
        validate_adeli("03000002")


def test_finess_including_corsica() -> None:
    assert validate_finess("750712184") == "750712184"
    assert validate_finess("130783236") == "130783236"
    # Corsica: 2A/2B count as 20 in the key (an assumption: DOMAIN.md names no rule).
    assert validate_finess("2a0000420") == "2A0000420"
    with pytest.raises(InvalidField, match="FINESS: the last digit must be the Luhn check digit"):
        validate_finess("750712185")
    with pytest.raises(InvalidField, match="FINESS: 9 characters"):
        validate_finess("2C0000420")


def test_siren_and_siret() -> None:
    assert validate_siren("732829320") == "732829320"
    with pytest.raises(InvalidField, match="SIREN: the last digit"):
        validate_siren("732829321")
    assert validate_siret("73282932000074") == "73282932000074"
    with pytest.raises(InvalidField, match="SIRET: the last digit"):
        validate_siret("73282932000075")
    with pytest.raises(InvalidField, match="SIRET: exactly 14 digits"):
        validate_siret("7328293200007")


def test_siret_la_poste_exception() -> None:
    # La Poste's establishments: digit sum divisible by 5 instead of Luhn.
    assert not luhn_is_valid("35600000012355")
    assert validate_siret("35600000012355") == "35600000012355"
    assert validate_siret("35600000000048") == "35600000000048"  # head office, Luhn-valid
    with pytest.raises(InvalidField, match=r"La Poste\): the digit sum must be divisible by 5"):
        validate_siret("35600000012356")


def test_nir() -> None:
    # The classic example 1 84 12 76 451 089, key 46.
    assert validate_nir("1 84 12 76 451 089 46") == "184127645108946"
    assert validate_nir("255082A00401283") == "255082A00401283"  # Corsica: 2A counts as 19
    with pytest.raises(InvalidField, match=r"NIR: the key must equal 97 - \(number mod 97\)"):
        validate_nir("184127645108947")
    with pytest.raises(InvalidField, match="the first digit must be 1, 2, 7 or 8"):
        validate_nir("384127645108946")
    with pytest.raises(InvalidField, match="13 characters followed by a 2-digit key"):
        validate_nir("18412764510894")


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("jean.dupont", "local-part@domain"),
        ("@medecin.mssante.fr", "local-part@domain"),
        ("jean..dupont@medecin.mssante.fr", "dot-atom"),
        ("jean.dupont@localhost", "at least two labels"),
        ("jean.dupont@-bad.mssante.fr", "inner hyphens"),
        ("élodie@medecin.mssante.fr", "ASCII characters only"),
        ("a" * 65 + "@medecin.mssante.fr", "at most 64"),
    ],
)
def test_invalid_addresses(value: str, rule: str) -> None:
    with pytest.raises(InvalidField, match=rule) as caught:
        validate_address(value, field="Adresse BAL")
    assert caught.value.field == "Adresse BAL"
    assert str(caught.value).startswith("Adresse BAL: ")


def test_address_canonical_form() -> None:
    assert validate_address(" Jean.Dupont@Medecin.MSSante.fr ") == "jean.dupont@medecin.mssante.fr"
