"""One person per professional, from both national files: activities and mailboxes merged.

The activity file (PS_LibreAcces_Personne_activite) lists a person once per activity; the
extraction of secure-messaging addresses lists them once per mailbox. Both carry the national
identification ("8" + RPPS, "0" + ADELI), by which they are merged here. A PER mailbox without
an identifier, which the national file has (DOMAIN.md), stays a person of its own, known by its
address. Labels come from the lines (the file's labels win over our tables, `codes.label`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from directory import codes
from directory.activities import ACTIVITY_COLUMNS
from directory.errors import InvalidField
from directory.identifiers import validate_adeli, validate_rpps
from directory.model import Coded, DirectoryEntry, MailboxType, PostalAddress

_CHECKS = {"rpps": validate_rpps, "adeli": validate_adeli}
_LENGTHS = {"rpps": 11, "adeli": 9}


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity of a person at a site, as one line of the activity file gives it."""

    profession: Coded | None
    category: Coded | None
    specialty_type: Coded | None
    specialty: Coded | None
    mode: Coded | None
    sector: Coded | None
    function: Coded | None
    site_name: str | None
    site_trade_name: str | None
    siret: str | None
    finess_site: str | None
    finess_legal: str | None
    structure_technical_id: str | None
    address: PostalAddress
    phone: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class Mailbox:
    """A secure-messaging address of the person, with where it is attached."""

    address: str
    mailbox_type: MailboxType
    structure_id: str | None
    service: str | None


@dataclass(slots=True)
class Person:
    """A professional with every activity and mailbox the national files give them.

    ``national_id`` is None for a PER mailbox without an identifier; ``civility`` is the
    personal one (M, MME), ``exercise_civility`` the one of practice (DR, PR).
    """

    national_id: str | None
    family: str | None
    given: str | None
    civility: Coded | None = None
    exercise_civility: Coded | None = None
    activities: list[Activity] = field(default_factory=list)
    mailboxes: list[Mailbox] = field(default_factory=list)


def national_id_of(id_type: str, id_value: str, declared: str, field_names: tuple[str, str]) -> str:
    """Validate a person identifier of the activity file; "8" + RPPS or "0" + ADELI."""
    kind = codes.pp_identifier_types().get(id_type)
    if kind is None:
        known = ", ".join(codes.pp_identifier_types())
        raise InvalidField(field_names[0], f"one of {known}", id_type)
    rule = kind.rule or ""
    value = id_value
    if len(value) == _LENGTHS[rule] + 1 and value.startswith(kind.code):
        value = value[len(kind.code) :]
    national_id = kind.code + _CHECKS[rule](value, field_names[1])
    if declared and declared != national_id:
        raise InvalidField(
            ACTIVITY_COLUMNS["pp_national_id"][0],
            f"must be the type followed by the identifier ({national_id})",
            declared,
        )
    return national_id


@lru_cache(maxsize=4096)
def _coded(table_name: str, code: str, from_file: str) -> Coded | None:
    if not code and not from_file:
        return None
    tables = {
        "profession": codes.professions,
        "category": codes.categories,
        "specialty": codes.specialties,
        "civility": codes.civilities,
    }
    table = tables[table_name]() if table_name in tables else {}
    return Coded(code, codes.label(table, code or None, from_file or None))


def activity_from_fields(fields: Mapping[str, str]) -> tuple[str, Activity]:
    """The national identification of the person of an activity line, and the activity."""
    names = (ACTIVITY_COLUMNS["pp_id_type"][0], ACTIVITY_COLUMNS["pp_id"][0])
    national_id = national_id_of(
        fields["pp_id_type"], fields["pp_id"], fields["pp_national_id"], names
    )
    activity = Activity(
        profession=_coded("profession", fields["profession_code"], fields["profession_label"]),
        category=_coded("category", fields["category_code"], fields["category_label"]),
        specialty_type=_coded(
            "specialty_type", fields["specialty_type_code"], fields["specialty_type_label"]
        ),
        specialty=_coded("specialty", fields["specialty_code"], fields["specialty_label"]),
        mode=_coded("mode", fields["mode_code"], fields["mode_label"]),
        sector=_coded("sector", fields["sector_code"], fields["sector_label"]),
        function=_coded("function", fields["function_code"], fields["function_label"]),
        site_name=fields["site_name"] or None,
        site_trade_name=fields["site_trade_name"] or None,
        siret=fields["siret"] or None,
        finess_site=fields["finess_site"] or None,
        finess_legal=fields["finess_legal"] or None,
        structure_technical_id=fields["structure_technical_id"] or None,
        address=PostalAddress(
            number=fields["street_number"] or None,
            street_type=fields["street_type"] or None,
            street=fields["street"] or None,
            locality=fields["locality"] or None,
            delivery_line=fields["delivery_office"] or None,
            postcode=fields["postcode"] or None,
            city=fields["city"] or None,
            department=fields["department_code"] or None,
            country=fields["country"] or None,
        ),
        phone=fields["phone"] or None,
        email=fields["email"] or None,
    )
    return national_id, activity


class People:
    """Persons merged from activity lines and mailbox entries, keyed by national identification
    (or by address for a PER mailbox without one)."""

    def __init__(self) -> None:
        self._by_key: dict[str, Person] = {}

    def add_activity(self, fields: Mapping[str, str]) -> Person:
        """Merge one valid activity line; its names fill the person's when first seen."""
        national_id, activity = activity_from_fields(fields)
        person = self._by_key.get(national_id)
        if person is None:
            person = Person(national_id, fields["family"] or None, fields["given"] or None)
            self._by_key[national_id] = person
        if person.civility is None:
            person.civility = _coded("civility_personal", fields["civility_code"],
                                     fields["civility_label"])  # fmt: skip
        if person.exercise_civility is None:
            person.exercise_civility = _coded(
                "civility", fields["exercise_civility_code"], fields["exercise_civility_label"]
            )
        if activity not in person.activities:
            person.activities.append(activity)
        return person

    def add_mailbox(self, entry: DirectoryEntry) -> Person | None:
        """Attach a PER mailbox of the extraction to its person; None for ORG and APP."""
        if entry.mailbox_type is not MailboxType.PER:
            return None
        practitioner = entry.practitioner
        key = practitioner.national_id if practitioner is not None else "@" + entry.address
        person = self._by_key.get(key)
        if person is None:
            family = practitioner.family if practitioner else entry.display_name
            given = practitioner.given if practitioner else None
            person = Person(practitioner.national_id if practitioner else None, family, given)
            self._by_key[key] = person
        if person.exercise_civility is None and practitioner is not None:
            person.exercise_civility = practitioner.civility
        organisation = entry.organisation
        mailbox = Mailbox(
            entry.address,
            MailboxType.PER,
            organisation.national_id if organisation else None,
            entry.service,
        )
        if all(known.address != mailbox.address for known in person.mailboxes):
            person.mailboxes.append(mailbox)
        return person

    def get(self, national_id: str) -> Person | None:
        """The person of a national identification."""
        return self._by_key.get(national_id)

    def without_identifier(self) -> list[Person]:
        """Persons known only by a PER mailbox that names no identifier."""
        return [p for key, p in self._by_key.items() if key.startswith("@")]

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[Person]:
        return iter(self._by_key.values())
