"""Mapping between `DirectoryEntry` objects and rows of the directory's tables.

Kept apart from the SQL so the import can prepare rows without a database round trip, and so the
folded columns (search text, sort keys) are derived in exactly one place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from directory import codes
from directory.model import (
    AddressKind,
    Coded,
    DirectoryEntry,
    Organisation,
    PostalAddress,
    Practitioner,
)
from directory.normalise import fold, fold_tokens, search_text

Row = dict[str, Any]


def fingerprint(entry: DirectoryEntry) -> bytes:
    """A digest of everything an entry says, to skip rewriting unchanged rows on re-import."""
    return hashlib.blake2b(repr(entry).encode(), digest_size=16).digest()


def sort_keys(entry: DirectoryEntry) -> tuple[str, str]:
    """Folded (name, given name) by which results are ranked and ordered.

    A person sorts by surname then given name; a structure's mailbox by the structure's name then
    the service; an entry known only by its display name by that name.
    """
    person = entry.practitioner
    if person is not None and person.family:
        return fold(person.family), fold(person.given or "")
    org = entry.organisation
    if org is not None and (org.trade_name or org.name):
        return fold(org.trade_name or org.name or ""), fold(entry.service or "")
    return fold(entry.display_name), ""


def _said_as(label: str | None) -> str | None:
    """The words people type for a profession or specialty label ("pédiatre" for
    "Pédiatrie"), from `codes.search_synonyms`."""
    if not label:
        return None
    synonyms = codes.search_synonyms()
    said = [synonyms[word].label for word in fold_tokens(label) if word in synonyms]
    return " ".join(said) or None


# Particles of French (and neighbouring) names, folded: "Le Goff" is also typed "legoff".
_PARTICLES = frozenset(
    {
        "de",
        "du",
        "des",
        "d",
        "le",
        "la",
        "les",
        "l",
        "van",
        "von",
        "der",
        "di",
        "da",
        "del",
        "mac",
        "mc",
    }
)


def _joined(name: str) -> str | None:
    """Each particle of ``name`` written together with what follows it up to the next plain
    word ("delatour latour" for "Claire de la Tour"), None when the name has no particle."""
    words = fold_tokens(name)
    joined = []
    for start, word in enumerate(words):
        if word in _PARTICLES:
            end = start
            while end < len(words) and words[end] in _PARTICLES:
                end += 1
            if end < len(words):
                joined.append("".join(words[start : end + 1]))
    return " ".join(joined) or None


def entry_search_text(entry: DirectoryEntry) -> str:
    """Words an entry is found by: names (also joined: "legoff"), profession and specialty
    (also as typed: "pédiatre"), structure, service, city, postcode, street address, the
    mailbox address with its domain, RPPS and national identification."""
    person = entry.practitioner
    org = entry.organisation
    address = org.address if org else None
    street_type = fold(address.street_type or "") if address else ""
    written_out = codes.street_types().get(street_type)
    return search_text(
        (
            entry.display_name,
            person.family if person else None,
            person.given if person else None,
            _joined(entry.display_name),
            entry.profession.label if entry.profession else None,
            entry.specialty.label if entry.specialty else None,
            _said_as(entry.profession.label if entry.profession else None),
            _said_as(entry.specialty.label if entry.specialty else None),
            org.name if org else None,
            org.trade_name if org else None,
            entry.service,
            address.city if address else None,
            address.postcode if address else None,
            address.number if address else None,
            written_out.label if written_out else street_type,
            address.street if address else None,
            address.locality if address else None,
            entry.address,
            person.id_value if person else None,
            person.national_id if person else None,
        )
    )


# Column order of the value tuples below; the bulk import sends rows to the driver in this order.
MAILBOX_COLUMNS = (
    "address", "kind", "listed", "national", "local", "practitioner_id", "organisation_id",
    "display_name", "service", "profession_code", "profession_label", "category_code",
    "category_label", "specialty_code", "specialty_label", "paperless", "responsible",
    "encryption_key", "signing_key", "search_text", "name_norm", "given_norm",
)  # fmt: skip
SEARCH_TEXT = MAILBOX_COLUMNS.index("search_text")
PRACTITIONER_COLUMNS = (
    "national_id", "id_type", "id_value", "civility_code", "civility_label", "family", "given",
    "family_norm", "given_norm",
)  # fmt: skip
ORGANISATION_COLUMNS = (
    "national_id", "id_type", "id_value", "name", "trade_name", "number", "street_type",
    "street", "locality", "delivery_line", "postcode", "city", "department", "country",
    "name_norm",
)  # fmt: skip


def mailbox_values(entry: DirectoryEntry) -> tuple[Any, ...]:
    """The `directory_mailbox` columns of an entry in `MAILBOX_COLUMNS` order, without run
    bookkeeping."""
    name_norm, given_norm = sort_keys(entry)
    profession, category, specialty = entry.profession, entry.category, entry.specialty
    return (
        entry.address,
        entry.kind.value,
        entry.listed,
        entry.national,
        entry.local,
        entry.practitioner.national_id if entry.practitioner else None,
        entry.organisation.national_id if entry.organisation else None,
        entry.display_name,
        entry.service,
        profession.code if profession else None,
        profession.label if profession else None,
        category.code if category else None,
        category.label if category else None,
        specialty.code if specialty else None,
        specialty.label if specialty else None,
        entry.paperless,
        entry.responsible,
        entry.encryption_key,
        entry.signing_key,
        entry_search_text(entry),
        name_norm,
        given_norm,
    )


def mailbox_row(entry: DirectoryEntry) -> Row:
    """The `directory_mailbox` columns of an entry by name, without run bookkeeping."""
    return dict(zip(MAILBOX_COLUMNS, mailbox_values(entry), strict=True))


def practitioner_values(person: Practitioner) -> tuple[Any, ...]:
    """The `directory_practitioner` columns of a practitioner, in `PRACTITIONER_COLUMNS` order."""
    civility = person.civility
    return (
        person.national_id,
        person.id_type,
        person.id_value,
        civility.code if civility else None,
        civility.label if civility else None,
        person.family,
        person.given,
        fold(person.family or ""),
        fold(person.given or ""),
    )


def organisation_values(org: Organisation) -> tuple[Any, ...]:
    """The `directory_organisation` columns of a structure, in `ORGANISATION_COLUMNS` order."""
    address = org.address
    return (
        org.national_id,
        org.id_type,
        org.id_value,
        org.name,
        org.trade_name,
        address.number,
        address.street_type,
        address.street,
        address.locality,
        address.delivery_line,
        address.postcode,
        address.city,
        address.department,
        address.country,
        fold(org.trade_name or org.name or ""),
    )


def _coded(code: str | None, label: str | None) -> Coded | None:
    return Coded(code, label) if code is not None else None


def practitioner_from_row(row: Mapping[Any, Any]) -> Practitioner:
    """Rebuild a practitioner from its columns (prefixed ``p_`` in joined selects)."""
    return Practitioner(
        national_id=row["p_national_id"],
        id_type=row["p_id_type"],
        id_value=row["p_id_value"],
        civility=_coded(row["p_civility_code"], row["p_civility_label"]),
        family=row["p_family"],
        given=row["p_given"],
    )


def organisation_from_row(row: Mapping[Any, Any]) -> Organisation:
    """Rebuild a structure from its columns (prefixed ``o_`` in joined selects)."""
    return Organisation(
        national_id=row["o_national_id"],
        id_type=row["o_id_type"],
        id_value=row["o_id_value"],
        name=row["o_name"],
        trade_name=row["o_trade_name"],
        address=PostalAddress(
            number=row["o_number"],
            street_type=row["o_street_type"],
            street=row["o_street"],
            locality=row["o_locality"],
            delivery_line=row["o_delivery_line"],
            postcode=row["o_postcode"],
            city=row["o_city"],
            department=row["o_department"],
            country=row["o_country"],
        ),
    )


def entry_from_row(row: Mapping[Any, Any]) -> DirectoryEntry:
    """Rebuild an entry from a mailbox row joined with its practitioner and structure."""
    return DirectoryEntry(
        address=row["address"],
        kind=AddressKind(row["kind"]),
        display_name=row["display_name"],
        listed=bool(row["listed"]),
        practitioner=practitioner_from_row(row) if row["p_national_id"] else None,
        organisation=organisation_from_row(row) if row["o_national_id"] else None,
        service=row["service"],
        profession=_coded(row["profession_code"], row["profession_label"]),
        category=_coded(row["category_code"], row["category_label"]),
        specialty=_coded(row["specialty_code"], row["specialty_label"]),
        paperless=row["paperless"],
        responsible=row["responsible"],
        national=bool(row["national"]),
        local=bool(row["local"]),
        encryption_key=row["encryption_key"],
        signing_key=row["signing_key"],
    )
