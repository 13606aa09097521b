"""Reading the national directory's activity file, PS_LibreAcces_Personne_activite.

One line per professional activity: a person appears on as many lines as they have activities
(DOMAIN.md). The file is `|`-separated, every line ending with a `|`, 52 columns (56 in recent
files, which add the function and the kind of activity). Columns are found by header name, so
added or reordered columns do not break the reader. Most copies are UTF-8, one parser reads them
as Latin-1: the encoding is detected from the start of the file, and a line that does not decode
is reported by number, never guessed at.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from directory.errors import ExtractionFormatError
from directory.normalise import fold

# Field name -> header names accepted for it, the national file's own first.
ACTIVITY_COLUMNS: dict[str, tuple[str, ...]] = {
    "pp_id_type": ("Type d'identifiant PP",),
    "pp_id": ("Identifiant PP",),
    "pp_national_id": ("Identification nationale PP",),
    "exercise_civility_code": ("Code civilité d'exercice",),
    "exercise_civility_label": ("Libellé civilité d'exercice",),
    "civility_code": ("Code civilité",),
    "civility_label": ("Libellé civilité",),
    "family": ("Nom d'exercice",),
    "given": ("Prénom d'exercice",),
    "profession_code": ("Code profession",),
    "profession_label": ("Libellé profession",),
    "category_code": ("Code catégorie professionnelle",),
    "category_label": ("Libellé catégorie professionnelle",),
    "specialty_type_code": ("Code type savoir-faire",),
    "specialty_type_label": ("Libellé type savoir-faire",),
    "specialty_code": ("Code savoir-faire",),
    "specialty_label": ("Libellé savoir-faire",),
    "mode_code": ("Code mode exercice",),
    "mode_label": ("Libellé mode exercice",),
    "siret": ("Numéro SIRET site",),
    "siren": ("Numéro SIREN site",),
    "finess_site": ("Numéro FINESS site",),
    "finess_legal": ("Numéro FINESS établissement juridique",),
    "structure_technical_id": ("Identifiant technique de la structure",),
    "site_name": ("Raison sociale site",),
    "site_trade_name": ("Enseigne commerciale site",),
    "street_number": ("Numéro Voie (coord. structure)",),
    "street_type": ("Libellé type de voie (coord. structure)",),
    "street": ("Libellé Voie (coord. structure)",),
    "locality": ("Mention distribution (coord. structure)",),
    "delivery_office": ("Bureau cedex (coord. structure)",),
    "postcode": ("Code postal (coord. structure)",),
    "city": ("Libellé commune (coord. structure)",),
    "country": ("Libellé pays (coord. structure)",),
    "phone": ("Téléphone (coord. structure)",),
    "email": ("Adresse e-mail (coord. structure)",),
    "department_code": ("Code Département (structure)",),
    "sector_code": ("Code secteur d'activité",),
    "sector_label": ("Libellé secteur d'activité",),
    "function_code": ("Code fonction",),
    "function_label": ("Libellé fonction",),
    "activity_kind_code": ("Code genre activité",),
    "activity_kind_label": ("Libellé genre activité",),
}
REQUIRED = ("pp_id_type", "pp_id", "family")
SEPARATOR = "|"
MAX_LINE_BYTES = 16_384
# How much of the file the encoding is judged on: enough to reach accented names.
SNIFF_BYTES = 1 << 20
# The activity file inside PS_LibreAcces_<ts>.zip, beside the _Dipl_AutExerc_ and _SavoirFaire_
# files (DOMAIN.md).
_MEMBER = re.compile(r"PS_LibreAcces_Personne_activite_[0-9]+\.txt")
# Bounds on the zip member: the real file is a few hundred megabytes, compressing about 10:1.
MAX_MEMBER_BYTES = 4 << 30
MAX_RATIO = 100


@dataclass(frozen=True, slots=True)
class ActivityLine:
    """A split data line (every field of `ACTIVITY_COLUMNS`, "" when empty or absent), or why it
    is unusable."""

    number: int
    fields: dict[str, str] | None
    problem: str | None


def detect_encoding(start: bytes) -> str:
    """ "latin-1" when the start of the file is not UTF-8 and has no UTF-8 accent at all, else
    "utf-8".

    A sample holding both UTF-8 accents and bytes that are not UTF-8 is a mixed file: it is read
    as UTF-8 so that the faulty lines are reported, never turned into wrong letters. A character
    cut by the end of the sample is not held against UTF-8.
    """
    try:
        start.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":
            return "utf-8"
        text = start.decode("utf-8", errors="replace")
        if not any(not c.isascii() and c != "\ufffd" for c in text):
            return "latin-1"
    return "utf-8"


def _positions(header: str) -> tuple[dict[str, int], int]:
    names = header.rstrip("\r\n").lstrip("\ufeff").split(SEPARATOR)
    if len(names) > 1 and names[-1] == "":
        names.pop()
    wanted = {
        fold(alias): field for field, aliases in ACTIVITY_COLUMNS.items() for alias in aliases
    }
    found: dict[str, int] = {}
    for index, name in enumerate(names):
        field = wanted.get(fold(name))
        if field is not None and field not in found:
            found[field] = index
    missing = [ACTIVITY_COLUMNS[field][0] for field in REQUIRED if field not in found]
    if missing:
        raise ExtractionFormatError(
            "not a national activity file: missing column(s) " + ", ".join(missing)
        )
    return found, len(names)


def read_activities(stream: IO[bytes], sniff: int = SNIFF_BYTES) -> Iterator[ActivityLine]:
    """Yield each data line of the activity file, numbered as an editor shows it (header = 1);
    the encoding is judged on the first ``sniff`` bytes."""
    start = stream.read(sniff)
    stream.seek(0)
    encoding = detect_encoding(start)
    first = stream.readline(MAX_LINE_BYTES + 1)
    try:
        positions, width = _positions(first.decode(encoding))
    except UnicodeDecodeError as exc:
        raise ExtractionFormatError(f"line 1: the header is not {encoding}") from exc
    number = 1
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(MAX_LINE_BYTES + 1)
            yield ActivityLine(number, None, f"line {number}: longer than {MAX_LINE_BYTES} bytes")
            continue
        yield _split(number, raw, encoding, positions, width)


def _split(
    number: int, raw: bytes, encoding: str, positions: dict[str, int], width: int
) -> ActivityLine:
    try:
        text = raw.decode(encoding).rstrip("\r\n")
    except UnicodeDecodeError as error:
        problem = f"line {number}: not valid {encoding} at byte {error.start + 1}"
        return ActivityLine(number, None, problem)
    if not text.strip():
        return ActivityLine(number, None, None)
    parts = text.split(SEPARATOR)
    if len(parts) == width + 1 and parts[-1] == "":
        parts.pop()
    if len(parts) != width:
        problem = f"line {number}: {len(parts)} fields where the header has {width}"
        return ActivityLine(number, None, problem)
    fields = {
        field: parts[positions[field]].strip() if field in positions else ""
        for field in ACTIVITY_COLUMNS
    }
    return ActivityLine(number, fields, None)


def read_activities_zip(path: Path, sniff: int = SNIFF_BYTES) -> Iterator[ActivityLine]:
    """Yield the lines of the activity file inside the national zip, read in place (never
    extracted to disk by name), the zip treated as hostile: one matching member, bounded in
    size and compression ratio."""
    with zipfile.ZipFile(path) as archive:
        members = [
            info for info in archive.infolist() if _MEMBER.fullmatch(Path(info.filename).name)
        ]
        if len(members) != 1:
            raise ExtractionFormatError(
                f"not a national zip: {len(members)} PS_LibreAcces_Personne_activite file(s)"
            )
        [member] = members
        if member.file_size > MAX_MEMBER_BYTES or member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise ExtractionFormatError(f"{member.filename}: too large once uncompressed")
        # zipfile stops a member at its declared size and checks its CRC.
        with archive.open(member) as stream:
            yield from read_activities(stream, sniff)
