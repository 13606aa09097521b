"""Both national files in their real layouts (DOMAIN.md), read by header name and merged into
one person with activities and mailboxes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from directory import codes
from directory.activities import (
    SNIFF_BYTES,
    ActivityLine,
    detect_encoding,
    read_activities,
    read_activities_zip,
)
from directory.codes import Code
from directory.errors import ExtractionFormatError, InvalidField
from directory.extraction import RawLine, read_lines
from directory.model import AddressKind
from directory.persons import People
from directory.records import entry_from_fields

DATA = Path(__file__).resolve().parent / "data"
EXTRACTION = DATA / "Extraction_Correspondance_MSSante_202612030400.txt"
ACTIVITIES = DATA / "PS_LibreAcces_Personne_activite_202612030400.txt"
LE_GOFF, MARTIN, BERARD = "810001234565", "810002345675", "810004567896"
# The columns recent activity files add (56 instead of 52).
RECENT = ("Code fonction", "Libellé fonction", "Code genre activité", "Libellé genre activité")


def _extraction(data: bytes | None = None) -> list[RawLine]:
    return list(read_lines(io.BytesIO(EXTRACTION.read_bytes() if data is None else data)))


def _activities(data: bytes | None = None) -> list[ActivityLine]:
    return list(read_activities(io.BytesIO(ACTIVITIES.read_bytes() if data is None else data)))


def test_the_real_extraction_header_has_31_columns_all_recognised() -> None:
    header = EXTRACTION.read_text(encoding="utf-8").splitlines()[0]
    assert len(header.split("|")) == 32  # 31 names and the trailing separator
    lines = _extraction()
    first = lines[0].fields
    assert first is not None
    assert first["pp_id_type"] == "8" and first["category_code"] == "C"
    assert first["category_label"] == "Civil" and first["profession_label"] == "Médecin"
    assert first["street"] == "ALBERT RAIMOND" and first["delivery_line"].startswith("42270")


def test_extraction_lines_become_entries_bad_ones_named_by_line() -> None:
    entries, problems = {}, []
    for line in _extraction():
        if line.fields is None:
            problems.append((line.number, line.problem))
            continue
        try:
            entry = entry_from_fields(line.fields)
        except InvalidField as error:
            problems.append((line.number, str(error)))
        else:
            entries[entry.address] = entry
    assert problems == [
        (
            9,
            "Identifiant PP: '10005678900' is invalid: "
            "RPPS: the last digit must be the Luhn check digit",
        ),
        (10, "line: 4 fields where the header has 31"),
    ]
    assert len(entries) == 7
    le_goff = entries["yves.le-goff@chu-st-etienne.mssante.fr"]
    assert le_goff.specialty is not None and le_goff.specialty.label == "Pédiatrie"
    assert le_goff.organisation is not None
    assert le_goff.organisation.address.city == "ST PRIEST EN JAREZ"


def test_a_per_mailbox_without_rpps_is_accepted() -> None:
    [line] = [
        raw
        for raw in _extraction()
        if raw.fields and raw.fields["address"].startswith("claire.de-la-tour")
    ]
    assert line.fields is not None
    entry = entry_from_fields(line.fields)
    assert entry.kind is AddressKind.PROFESSIONAL
    assert entry.practitioner is None
    assert entry.display_name == "Claire DE LA TOUR"
    assert entry.profession is not None and entry.profession.label == "Pharmacien"


def test_a_per_mailbox_needs_at_least_a_name() -> None:
    [line] = [
        raw
        for raw in _extraction()
        if raw.fields and raw.fields["address"].startswith("claire.de-la-tour")
    ]
    assert line.fields is not None
    with pytest.raises(InvalidField, match="Nom d'exercice"):
        entry_from_fields(dict(line.fields, family=""))


def test_the_file_label_wins_over_our_table(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = {"SM40": Code("SM40", "Pneumologie")}
    assert codes.label(wrong, "SM40", "Pédiatrie") == "Pédiatrie"
    assert codes.label(wrong, "SM40", None) == "Pneumologie"
    assert codes.label(wrong, "SM99", None) is None
    assert codes.specialties()["SM40"].label == "Pédiatrie"


def test_extraction_without_trailing_separator_or_with_a_bom_is_read() -> None:
    text = EXTRACTION.read_text(encoding="utf-8")
    bare = "\n".join(line.removesuffix("|") for line in text.splitlines()[:8]) + "\n"
    lines = _extraction(b"\xef\xbb\xbf" + bare.encode())
    assert all(line.fields is not None for line in lines)
    mixed = text.splitlines()[0].removesuffix("|") + "\n" + text.splitlines()[1] + "\n"
    [line] = _extraction(mixed.encode())
    assert line.fields is not None and line.fields["given"] == "Yves"


def test_the_real_activity_header_has_52_columns_read_by_name() -> None:
    header = ACTIVITIES.read_text(encoding="utf-8").splitlines()[0]
    assert len(header.split("|")) == 53
    first = _activities()[0].fields
    assert first is not None
    assert first["family"] == "LE GOFF" and first["mode_label"] == "Salarié"
    assert first["city"] == "Saint-Priest-en-Jarez" and first["civility_label"] == "Monsieur"
    assert first["function_code"] == ""


def _with_recent_columns(text: str) -> str:
    """The file as recent extractions lay it out: 4 columns added in the middle."""
    out = []
    for number, line in enumerate(text.splitlines()):
        parts = line.split("|")
        added = list(RECENT) if number == 0 else ["FON-01", "Médecin responsable", "GA1", "Soins"]
        out.append("|".join(parts[:19] + added + parts[19:]))
    return "\n".join(out) + "\n"


def test_a_56_column_file_is_read_the_same_with_its_added_columns() -> None:
    recent = _with_recent_columns(ACTIVITIES.read_text(encoding="utf-8"))
    lines = _activities(recent.encode())
    first = lines[0].fields
    assert first is not None
    assert first["function_label"] == "Médecin responsable" and first["family"] == "LE GOFF"
    assert first["site_name"] == "CHU DE SAINT-ETIENNE"


def test_an_unknown_added_column_is_tolerated() -> None:
    text = ACTIVITIES.read_text(encoding="utf-8").splitlines()
    widened = [text[0] + "Colonne ajoutée|"] + [line + "x|" for line in text[1:]]
    lines = _activities(("\n".join(widened) + "\n").encode())
    assert all(line.fields is not None for line in lines)


def test_a_latin1_activity_file_is_detected_and_read() -> None:
    data = ACTIVITIES.read_text(encoding="utf-8").encode("latin-1")
    assert detect_encoding(data) == "latin-1"
    lines = _activities(data)
    assert [line.fields["given"] for line in lines if line.fields][3] == "Étienne"


@pytest.mark.parametrize("sniff", [SNIFF_BYTES, 100])
def test_a_latin1_line_in_a_utf8_activity_file_is_named(sniff: int) -> None:
    text = ACTIVITIES.read_text(encoding="utf-8").splitlines()
    body = "\n".join(text[:4]).encode() + b"\n" + text[4].encode("latin-1") + b"\n"
    assert detect_encoding(body) == "utf-8"
    lines = list(read_activities(io.BytesIO(body), sniff))
    assert [(line.number, line.problem) for line in lines if line.fields is None] == [
        (5, "line 5: not valid utf-8 at byte 42")
    ]
    assert [line.fields["given"] for line in lines if line.fields] == [
        "Yves",
        "Yves",
        "Jean-Pierre",
    ]


def test_an_activity_file_without_its_columns_is_refused() -> None:
    with pytest.raises(ExtractionFormatError, match=r"missing column.*Identifiant PP"):
        _activities("Nom d'exercice|Prénom d'exercice|\nA|B|\n".encode())


def _people() -> People:
    people = People()
    for line in _activities():
        if line.fields is not None:
            try:
                people.add_activity(line.fields)
            except InvalidField:
                continue
    for raw in _extraction():
        if raw.fields is not None:
            try:
                people.add_mailbox(entry_from_fields(raw.fields))
            except InvalidField:
                continue
    return people


def test_both_files_merge_into_one_person_with_activities_and_mailboxes() -> None:
    people = _people()
    le_goff = people.get(LE_GOFF)
    assert le_goff is not None
    assert [a.mode.label for a in le_goff.activities if a.mode] == ["Salarié", "Libéral"]
    assert [m.address for m in le_goff.mailboxes] == ["yves.le-goff@chu-st-etienne.mssante.fr"]
    assert le_goff.civility is not None and le_goff.civility.code == "M"
    assert le_goff.exercise_civility is not None and le_goff.exercise_civility.label == "Docteur"
    martin = people.get(MARTIN)
    assert martin is not None and len(martin.activities) == 1
    assert {m.address for m in martin.mailboxes} == {
        "jean-pierre.martin@medecin.mssante.fr",
        "jp.martin@chu-st-etienne.mssante.fr",
    }
    berard = people.get(BERARD)
    assert berard is not None and berard.given == "Étienne"
    assert berard.activities[0].profession is not None
    assert berard.activities[0].profession.label == "Masseur-kinésithérapeute"


def test_a_person_without_identifier_keeps_their_mailbox() -> None:
    [claire] = _people().without_identifier()
    assert claire.national_id is None
    assert [m.address for m in claire.mailboxes] == ["claire.de-la-tour@pharmacie.mssante.fr"]


def test_a_bad_rpps_in_the_activity_file_names_the_column() -> None:
    bad = [line for line in _activities() if line.fields and line.fields["family"] == "FAUX"]
    assert bad[0].fields is not None
    with pytest.raises(InvalidField, match="Identifiant PP"):
        People().add_activity(bad[0].fields)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_the_activity_file_is_read_inside_the_national_zip(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "PS_LibreAcces_202612030400.zip",
        {
            "PS_LibreAcces_Dipl_AutExerc_202612030400.txt": b"x|\n",
            "PS_LibreAcces_Personne_activite_202612030400.txt": ACTIVITIES.read_bytes(),
            "PS_LibreAcces_SavoirFaire_202612030400.txt": b"x|\n",
        },
    )
    lines = list(read_activities_zip(archive))
    assert [line.fields["given"] for line in lines if line.fields][:3] == [
        "Yves",
        "Yves",
        "Jean-Pierre",
    ]


def test_a_zip_without_the_activity_file_or_too_compressed_is_refused(tmp_path: Path) -> None:
    empty = _zip(tmp_path / "empty.zip", {"autre.txt": b"x"})
    with pytest.raises(ExtractionFormatError, match="0 PS_LibreAcces_Personne_activite"):
        list(read_activities_zip(empty))
    header = ACTIVITIES.read_bytes().splitlines(keepends=True)[0]
    bomb = _zip(
        tmp_path / "bomb.zip",
        {"PS_LibreAcces_Personne_activite_1.txt": header + b"\n" * 5_000_000},
    )
    with pytest.raises(ExtractionFormatError, match="too large once uncompressed"):
        list(read_activities_zip(bomb))
