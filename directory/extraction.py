"""Reading the national extraction of secure-messaging addresses, one line at a time.

The file is UTF-8, `|`-separated, with one header line of 31 named columns (DOMAIN.md gives
it); whether lines end with a `|` and whether a BOM starts the file is unconfirmed, so both
are accepted. Columns are found by header name, compared after accent and case folding, so that
reordered or added columns and small spelling changes of the agency do not break the import. The
reader holds one line at a time: memory stays flat whatever the size of the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import BinaryIO

from directory.errors import ExtractionFormatError
from directory.normalise import fold

# Field name -> header names accepted for it, the real one first (DOMAIN.md gives the national
# file's exact header); the others are earlier spellings, still read. Reports name the first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "mailbox_type": ("Type de BAL",),
    "address": ("Adresse BAL",),
    "pp_id_type": ("Type Identifiant PP", "Type d'identifiant PP"),
    "pp_id": ("Identifiant PP",),
    "pp_national_id": ("Identification nationale PP",),
    "structure_id_type": ("Type identifiant structure", "Type d'identifiant structure"),
    "structure_id": ("Identification Structure", "Identifiant structure"),
    "service": ("Service de rattachement",),
    "civility": ("Civilité d'exercice", "Code civilité d'exercice"),
    "family": ("Nom d'exercice",),
    "given": ("Prénom d'exercice",),
    "category_code": ("Catégorie profession", "Code catégorie professionnelle"),
    "category_label": ("Libellé de catégorie profession", "Libellé catégorie professionnelle"),
    "profession_code": ("Code Profession",),
    "profession_label": ("Libellé Profession",),
    "specialty_code": ("Code savoir-faire",),
    "specialty_label": ("Libellé savoir-faire",),
    "paperless": ("Dématérialisation",),
    "org_name": ("Raison Sociale structure BAL",),
    "org_trade_name": ("Enseigne commerciale structure BAL",),
    "street_number": ("L4NUMEROVOIE structure BAL", "Numéro voie structure BAL"),
    "street_type": ("NL4TYPEVOIE structure BAL", "Type de voie structure BAL"),
    "street": ("L4LIBELLEVOIE structure BAL", "Libellé voie structure BAL"),
    "locality": ("L5LIEUDITMENTION structure BAL", "Lieu-dit structure BAL"),
    "delivery_line": ("L6LIGNEACHEMINEMENT structure BAL", "Ligne d'acheminement structure BAL"),
    "postcode": ("Code postal structure BAL",),
    "department": ("Département structure BAL",),
    "country": ("Pays structure BAL",),
    "responsible": ("Responsable BAL",),
}
REQUIRED = ("mailbox_type", "address", "pp_id_type", "pp_id", "structure_id_type", "structure_id")
SEPARATOR = "|"
# A line longer than this is refused without being split: no real line comes near it.
MAX_LINE_BYTES = 16_384


@dataclass(frozen=True, slots=True)
class Header:
    """Where each known field sits in a line, how many fields a line has, and whether lines end
    with a separator (the national file's do; lines must then follow the header's habit, or a
    missing last field would pass for the trailing one)."""

    positions: dict[str, int]
    width: int
    trailing: bool

    @classmethod
    def parse(cls, line: str) -> Header:
        """Map the header's column names to field names; refuse a file missing a required one."""
        names = line.rstrip("\r\n").lstrip("\ufeff").split(SEPARATOR)
        trailing = len(names) > 1 and names[-1] == ""
        if trailing:
            names.pop()
        wanted = {fold(alias): field for field, aliases in COLUMNS.items() for alias in aliases}
        found: dict[str, int] = {}
        for index, name in enumerate(names):
            field = wanted.get(fold(name))
            if field is not None and field not in found:
                found[field] = index
        # In the order of COLUMNS, whatever the file's order: line fingerprints depend on it.
        positions = {field: found[field] for field in COLUMNS if field in found}
        missing = [COLUMNS[field][0] for field in REQUIRED if field not in positions]
        if missing:
            raise ExtractionFormatError(
                "not a national extraction: missing column(s) " + ", ".join(missing)
            )
        return cls(positions, len(names), trailing)


@dataclass(frozen=True, slots=True)
class RawLine:
    """A split data line, or why it is unusable.

    ``fields`` has every field of `COLUMNS`, stripped, "" when empty or when the file lacks the
    column; ``raw`` is the line as read, for fingerprinting; ``unterminated`` says the file ended
    inside this line (no line end after it).
    """

    number: int
    fields: dict[str, str] | None
    problem: str | None
    raw: bytes = b""
    unterminated: bool = False


def read_lines(stream: BinaryIO) -> Iterator[RawLine]:
    """Yield each data line of an extraction, numbered as an editor shows it (header = 1)."""
    header = read_header(stream)
    yield from read_body(stream, header, 1, None)


def read_header(stream: BinaryIO) -> Header:
    """Read and parse the first line; the stream is left at the first data line."""
    first = stream.readline(MAX_LINE_BYTES + 1)
    try:
        return Header.parse(first.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ExtractionFormatError("not a national extraction: the header is not UTF-8") from exc


def read_body(stream: BinaryIO, header: Header, number: int, end: int | None) -> Iterator[RawLine]:
    """Yield the data lines that start before byte ``end`` (all if None), numbered from
    ``number`` + 1: a stretch of the file read by one of several workers is numbered from 1."""
    # Columns the file lacks read the "" appended to each line (index -1).
    pick = itemgetter(*(header.positions.get(name, -1) for name in COLUMNS))
    while (end is None or stream.tell() < end) and (raw := stream.readline(MAX_LINE_BYTES + 1)):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(MAX_LINE_BYTES + 1)
            yield RawLine(number, None, f"line: longer than {MAX_LINE_BYTES} bytes")
            continue
        line = _split(number, raw, header, pick)
        if line.problem is not None and not raw.endswith(b"\n"):
            problem = f"{line.problem}; the file ends inside this line (cut short?)"
            line = RawLine(number, None, problem, raw, unterminated=True)
        yield line


def skip_to_line_start(stream: BinaryIO, position: int) -> int:
    """The offset of the first line that starts at or after ``position`` (> 0)."""
    stream.seek(position - 1)
    while (raw := stream.readline(MAX_LINE_BYTES + 1)) and not raw.endswith(b"\n"):
        pass
    return stream.tell()


def _split(
    number: int, raw: bytes, header: Header, pick: Callable[[list[str]], tuple[str, ...]]
) -> RawLine:
    try:
        text = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        return RawLine(number, None, _not_utf8(raw, exc))
    if not text.strip():
        return RawLine(number, None, None)
    parts = text.split(SEPARATOR)
    if not header.trailing and len(parts) == header.width + 1 and parts[-1] == "":
        parts.pop()
    elif header.trailing:
        if parts[-1] != "":
            return RawLine(number, None, "line: must end with a separator, as the header does")
        parts.pop()
    if len(parts) != header.width:
        return RawLine(
            number, None, f"line: {len(parts)} fields where the header has {header.width}"
        )
    parts.append("")
    return RawLine(number, dict(zip(COLUMNS, map(str.strip, pick(parts)), strict=True)), None, raw)


def _not_utf8(raw: bytes, error: UnicodeDecodeError) -> str:
    """Name the byte and the field (the rejection carries the line number) and what the byte
    reads as in Latin-1, the encoding of most mis-saved files, so an operator can find it."""
    column = raw[: error.start].count(SEPARATOR.encode()) + 1
    byte = raw[error.start]
    latin1 = bytes([byte]).decode("latin-1")
    return (
        f"line: not valid UTF-8 at byte {error.start + 1} (field {column}): "
        f"0x{byte:02X}, {latin1!r} in Latin-1; the file must be UTF-8 throughout"
    )
