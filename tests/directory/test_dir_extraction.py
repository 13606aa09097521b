"""Reading the national file: columns by header name, line shape, and per-field rules."""

from __future__ import annotations

import io

import pytest
from directory_rows import RowFactory
from hypothesis import given
from hypothesis import strategies as st

from directory.errors import ExtractionFormatError, InvalidField
from directory.extraction import COLUMNS, MAX_LINE_BYTES, Header, RawLine, read_lines
from directory.model import AddressKind
from directory.records import entry_from_fields


def _lines(text: str | bytes) -> list[RawLine]:
    data = text.encode() if isinstance(text, str) else text
    return list(read_lines(io.BytesIO(data)))


def test_columns_are_found_by_name_in_any_order_with_extra_columns() -> None:
    header = Header.parse(
        "\ufeffExtra|Adresse BAL|TYPE DE BAL|Identifiant PP|Type d'identifiant PP|"
        "Identification structure|Type d’identifiant structure|Autre|\r\n"
    )
    assert header.positions["address"] == 1
    assert header.positions["mailbox_type"] == 2
    assert header.width == 8
    assert header.trailing


def test_missing_required_column_is_refused() -> None:
    with pytest.raises(ExtractionFormatError, match=r"missing column.*Adresse BAL"):
        Header.parse("Type de BAL|Nom d'exercice|\n")


def test_a_person_line_becomes_an_entry(rows: RowFactory) -> None:
    row = rows.person("Élodie", "Dupont", city="Saint-Étienne", postcode="42000")
    [line] = _lines(rows.text([row]))
    assert line.number == 2 and line.fields is not None
    entry = entry_from_fields(line.fields)
    assert entry.kind is AddressKind.PROFESSIONAL
    assert entry.practitioner is not None and entry.practitioner.national_id.startswith("81")
    assert entry.practitioner.civility is not None
    assert entry.practitioner.civility.label == "Docteur"
    assert entry.organisation is not None and entry.organisation.address.city == "SAINT-ÉTIENNE"
    assert entry.specialty is not None and entry.specialty.label == "Qualifié en médecine générale"
    assert entry.display_name == "Élodie Dupont"
    assert entry.national and not entry.local and entry.listed


def test_lines_of_the_wrong_shape_are_reported(rows: RowFactory) -> None:
    good = rows.text([rows.person("Jean", "Martin")])
    header, line = good.splitlines()
    broken = (
        "\n".join(
            [header, line, line.rsplit("|", 2)[0] + "|", line + "x", "", "x" * (MAX_LINE_BYTES + 5)]
        ).encode()
        + b"\n"
        + line.encode().replace(b"|", b"|\xff", 1)
        + b"\n"
    )
    found = _lines(broken)
    problems = [(raw.number, raw.problem) for raw in found if raw.fields is None]
    assert problems == [
        (3, "line: 30 fields where the header has 31"),
        (4, "line: must end with a separator, as the header does"),
        (5, None),
        (6, f"line: longer than {MAX_LINE_BYTES} bytes"),
        (
            7,
            "line: not valid UTF-8 at byte 5 (field 2): 0xFF, 'ÿ' in Latin-1; "
            "the file must be UTF-8 throughout",
        ),
    ]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Type de BAL", "XYZ", "Type de BAL: 'XYZ' is invalid: one of PER, ORG, APP"),
        ("Adresse BAL", "jean@@x.fr", "Adresse BAL:"),
        ("Identifiant PP", "10000000018", "Identifiant PP: '10000000018' is invalid: RPPS"),
        ("Type Identifiant PP", "5", "Type Identifiant PP: '5' is invalid: one of 0, 8"),
        ("Identification nationale PP", "010000000017", "must be the type followed by"),
        ("Identification Structure", "1750712185", "Identification Structure: '750712185'"),
        ("Type identifiant structure", "9", "Type identifiant structure: '9' is invalid"),
        ("Code Profession", "1O", "Code Profession: '1O' is invalid: 2 digits (TRE_G15)"),
        ("Code savoir-faire", "26", "Code savoir-faire: '26' is invalid: letters then digits"),
        ("Nom d'exercice", "", "Nom d'exercice: '' is invalid: required for a PER mailbox"),
    ],
)
def test_each_rule_names_its_column(
    rows: RowFactory, column: str, value: str, message: str
) -> None:
    row = rows.person("Jean", "Martin")
    row[column] = value
    [line] = _lines(rows.text([row]))
    assert line.fields is not None
    with pytest.raises(InvalidField) as caught:
        entry_from_fields(line.fields)
    assert message in str(caught.value)
    assert caught.value.field == column


def test_service_mailboxes_need_a_structure(rows: RowFactory) -> None:
    row = rows.service("Service de cardiologie", "CHU de Lyon", "Lyon", "69003")
    [line] = _lines(rows.text([row]))
    assert line.fields is not None
    entry = entry_from_fields(line.fields)
    assert entry.kind is AddressKind.ORGANISATION
    assert entry.display_name == "Service de cardiologie — CHU de Lyon"
    row["Identification Structure"] = ""
    [line] = _lines(rows.text([row]))
    assert line.fields is not None
    with pytest.raises(InvalidField, match="required for ORG and APP mailboxes"):
        entry_from_fields(line.fields)


@given(st.lists(st.binary(max_size=300), max_size=20))
def test_arbitrary_bytes_are_rejected_line_by_line_never_crash(chunks: list[bytes]) -> None:
    header = "|".join(name[0] for name in COLUMNS.values()) + "|\n"
    data = header.encode() + b"\n".join(chunk.replace(b"\n", b"|") for chunk in chunks)
    headers = {name[0] for name in COLUMNS.values()}
    for line in read_lines(io.BytesIO(data)):
        if line.fields is None:
            continue
        failed: str | None = None
        try:
            entry_from_fields(line.fields)
        except InvalidField as exc:
            failed = exc.field
        assert failed is None or failed in headers
