"""Turning one split line of the national file into a validated `DirectoryEntry`.

Each rule that refuses a line raises `InvalidField` with the header name of the column at fault,
so the rejected-lines report speaks the vocabulary of the file the operator has in hand. This is
the import's hot path (a million lines a day): structures and codes, which recur on many lines,
are validated once and cached.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from operator import itemgetter

from directory import codes
from directory.addresses import validate_address
from directory.errors import InvalidField
from directory.extraction import COLUMNS
from directory.identifiers import (
    validate_adeli,
    validate_finess,
    validate_rpps,
    validate_siren,
    validate_siret,
)
from directory.model import (
    KIND_OF_TYPE,
    Coded,
    DirectoryEntry,
    MailboxType,
    Organisation,
    PostalAddress,
    Practitioner,
)

# Every field of COLUMNS, "" when empty (see `directory.extraction.RawLine`).
Fields = Mapping[str, str]

# Bump when the same line would now give a different entry (a parsing change): the next import
# then rewrites every row instead of keeping rows whose line did not change.
ENTRY_FORMAT = 2

_TYPES = {t.value: t for t in MailboxType}
_OPAQUE_ID = re.compile(r"[A-Za-z0-9]{2,40}")
_DELIVERY_LINE = re.compile(r"\s*(?:[0-9][0-9AB][0-9]{3})\s+(?P<city>.+)")
_PAPERLESS = {"o": True, "oui": True, "true": True, "1": True,
              "n": False, "non": False, "false": False, "0": False}  # fmt: skip
_CHECKS: dict[str, Callable[[str, str], str]] = {
    "rpps": validate_rpps,
    "adeli": validate_adeli,
    "finess": validate_finess,
    "siren": validate_siren,
    "siret": validate_siret,
}
# Length of each identifier kind, to tell "1" + FINESS from a bare FINESS.
_LENGTHS = {"rpps": 11, "adeli": 9, "finess": 9, "siren": 9, "siret": 14}


@cache
def _seeded_digest() -> hashlib.blake2b:
    """A digest primed with the entry format and the code tables, which shape entries too."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(str(ENTRY_FORMAT).encode())
    tables = (
        codes.professions(), codes.specialties(), codes.civilities(), codes.categories(),
        codes.search_synonyms(), codes.street_types(),
    )  # fmt: skip
    for table in tables:
        digest.update(repr(sorted(table.items())).encode())
    return digest


def line_fingerprint(raw: bytes) -> bytes:
    """A digest of a line as read, to tell a re-import which rows changed."""
    digest = _seeded_digest().copy()
    digest.update(raw)
    return digest.digest()


def _header(field: str) -> str:
    return COLUMNS[field][0]


def entry_from_fields(fields: Fields) -> DirectoryEntry:
    """Validate one line's fields and build its entry; raise `InvalidField` on the first fault."""
    mailbox_type = _TYPES.get(fields["mailbox_type"])
    if mailbox_type is None:
        raise InvalidField(_header("mailbox_type"), "one of PER, ORG, APP", fields["mailbox_type"])
    address = validate_address(fields["address"], _header("address"))
    personal = mailbox_type is MailboxType.PER
    practitioner = _practitioner(fields, personal)
    organisation = _organisation(fields, required=not personal)
    service = fields["service"] or None
    return DirectoryEntry(
        address=address,
        kind=KIND_OF_TYPE[mailbox_type],
        display_name=_display_name(fields, organisation, service, address),
        practitioner=practitioner,
        organisation=organisation,
        service=service,
        profession=_coded(fields, "profession"),
        category=_coded(fields, "category"),
        specialty=_coded(fields, "specialty"),
        paperless=_PAPERLESS.get(fields["paperless"].lower()),
        responsible=fields["responsible"] or None,
        national=True,
    )


def _practitioner(fields: Fields, personal: bool) -> Practitioner | None:
    """The person identified on the line, None when the line names none.

    The national file has PER mailboxes without an RPPS (DOMAIN.md): those keep their name in
    the entry's display name, but a name alone is still required to tell who owns the box.
    """
    id_type, id_value = fields["pp_id_type"], fields["pp_id"]
    if personal and not fields["family"]:
        raise InvalidField(_header("family"), "required for a PER mailbox", "")
    if not id_type and not id_value:
        return None
    kind = codes.pp_identifier_types().get(id_type)
    if kind is None:
        known = ", ".join(codes.pp_identifier_types())
        raise InvalidField(_header("pp_id_type"), f"one of {known}", id_type)
    rule = kind.rule or ""
    value = id_value
    if len(value) == _LENGTHS[rule] + 1 and value.startswith(kind.code):
        value = value[len(kind.code) :]
    value = _CHECKS[rule](value, _header("pp_id"))
    national_id = kind.code + value
    declared = fields["pp_national_id"]
    if declared and declared != national_id:
        raise InvalidField(
            _header("pp_national_id"),
            f"must be the type followed by the identifier ({national_id})",
            declared,
        )
    family = fields["family"] or None
    civility = fields["civility"]
    return Practitioner(
        national_id=national_id,
        id_type=kind.code,
        id_value=value,
        civility=_civility(civility) if civility else None,
        family=family,
        given=fields["given"] or None,
    )


@lru_cache(maxsize=64)
def _civility(code: str) -> Coded:
    return Coded(code, codes.label(codes.civilities(), code, None))


_STRUCTURE_FIELDS = (
    "structure_id_type", "structure_id", "org_name", "org_trade_name", "street_number",
    "street_type", "street", "locality", "delivery_line", "postcode", "department", "country",
)  # fmt: skip
_pick_structure = itemgetter(*_STRUCTURE_FIELDS)


def _organisation(fields: Fields, required: bool) -> Organisation | None:
    if not fields["structure_id"]:
        if required:
            raise InvalidField(_header("structure_id"), "required for ORG and APP mailboxes", "")
        return None
    values: tuple[str, ...] = _pick_structure(fields)
    return _structure(values)


@lru_cache(maxsize=4096)
def _structure(values: tuple[str, ...]) -> Organisation:
    """Validate and build a structure; cached because each one recurs on many lines."""
    fields = dict(zip(_STRUCTURE_FIELDS, values, strict=True))
    id_type, identification = fields["structure_id_type"], fields["structure_id"]
    kind = codes.structure_identifier_types().get(id_type)
    if kind is None:
        known = ", ".join(codes.structure_identifier_types())
        raise InvalidField(_header("structure_id_type"), f"one of {known}", id_type)
    rule = kind.rule or "opaque"
    value = identification
    if rule == "opaque":
        if not _OPAQUE_ID.fullmatch(identification):
            raise InvalidField(_header("structure_id"), "2 to 40 letters or digits", identification)
    else:
        if len(identification) == _LENGTHS[rule] + 1 and identification.startswith(kind.code):
            value = identification[len(kind.code) :]
        value = _CHECKS[rule](value, _header("structure_id"))
    delivery_line = fields["delivery_line"] or None
    city_match = _DELIVERY_LINE.fullmatch(fields["delivery_line"])
    return Organisation(
        national_id=kind.code + value,
        id_type=kind.code,
        id_value=value,
        name=fields["org_name"] or None,
        trade_name=fields["org_trade_name"] or None,
        address=PostalAddress(
            number=fields["street_number"] or None,
            street_type=fields["street_type"] or None,
            street=fields["street"] or None,
            locality=fields["locality"] or None,
            delivery_line=delivery_line,
            postcode=fields["postcode"] or None,
            city=city_match.group("city") if city_match else delivery_line,
            department=fields["department"] or None,
            country=fields["country"] or None,
        ),
    )


# Coded fields: (code column, label column, code table, accepted code shape, rule as reported).
_CODED: dict[str, tuple[str, str, Callable[[], Mapping[str, codes.Code]], str | None, str]] = {
    "profession": (
        "profession_code", "profession_label", codes.professions, r"[0-9]{2}",
        "2 digits (TRE_G15)",
    ),
    "category": ("category_code", "category_label", codes.categories, None, ""),
    "specialty": (
        "specialty_code", "specialty_label", codes.specialties, r"[A-Z]{1,5}[0-9]{1,4}",
        "letters then digits (TRE_R38), e.g. SM26",
    ),
}  # fmt: skip


def _coded(fields: Fields, name: str) -> Coded | None:
    code_field, label_field = _CODED[name][:2]
    code = fields[code_field]
    return _code(name, code, fields[label_field] or None) if code else None


@lru_cache(maxsize=4096)
def _code(name: str, code: str, file_label: str | None) -> Coded:
    code_field, _, table, pattern, rule = _CODED[name]
    if pattern is not None and not re.fullmatch(pattern, code):
        raise InvalidField(_header(code_field), rule, code)
    return Coded(code, codes.label(table(), code, file_label))


def _display_name(
    fields: Fields,
    organisation: Organisation | None,
    service: str | None,
    address: str,
) -> str:
    """The name a mail client shows: the person, else the service and the structure."""
    if fields["given"] or fields["family"]:
        return " ".join(p for p in (fields["given"], fields["family"]) if p)
    parts = [service] if service else []
    if organisation is not None and (organisation.trade_name or organisation.name):
        parts.append(organisation.trade_name or organisation.name or "")
    return " — ".join(parts) if parts else address
