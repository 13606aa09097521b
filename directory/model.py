"""What the directory knows: practitioners, organisations and their mailboxes.

One `DirectoryEntry` per mailbox address is the unit everything else works with: the import
produces them from lines of the national file, the store keeps them, searches return them and the
web views render them. Practitioners and organisations are shared by many entries and keyed by
their national identification (type code followed by the identifier), as the national file does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AddressKind(StrEnum):
    """Who is behind an address, as SMTP policy and the webmail need to know it."""

    PROFESSIONAL = "professional"
    ORGANISATION = "organisation"
    APPLICATION = "application"
    PATIENT = "patient"
    UNKNOWN = "unknown"


class MailboxType(StrEnum):
    """ "Type de BAL" of the national file: personal, organisational, applicative."""

    PER = "PER"
    ORG = "ORG"
    APP = "APP"


KIND_OF_TYPE = {
    MailboxType.PER: AddressKind.PROFESSIONAL,
    MailboxType.ORG: AddressKind.ORGANISATION,
    MailboxType.APP: AddressKind.APPLICATION,
}
TYPE_OF_KIND = {kind: mailbox_type for mailbox_type, kind in KIND_OF_TYPE.items()}


@dataclass(frozen=True, slots=True)
class Coded:
    """A code of a national code set and its label (None when neither table nor file gave one)."""

    code: str
    label: str | None


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """The structure's address as the national file splits it."""

    number: str | None = None
    street_type: str | None = None
    street: str | None = None
    locality: str | None = None
    delivery_line: str | None = None
    postcode: str | None = None
    city: str | None = None
    department: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Practitioner:
    """A health professional, keyed by national id: type "8" + RPPS, or "0" + ADELI."""

    national_id: str
    id_type: str
    id_value: str
    civility: Coded | None
    family: str | None
    given: str | None


@dataclass(frozen=True, slots=True)
class Organisation:
    """A structure (establishment, practice), keyed by its type code followed by its identifier."""

    national_id: str
    id_type: str
    id_value: str
    name: str | None
    trade_name: str | None
    address: PostalAddress


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """One mailbox with everything known about its owner.

    ``listed`` is False for the red list: such an entry is resolved for delivery by its exact
    address and never appears in a search. ``national`` says the national file carries it;
    ``local`` that it is an account of this server, whose public keys are then set.
    """

    address: str
    kind: AddressKind
    display_name: str
    listed: bool = True
    practitioner: Practitioner | None = None
    organisation: Organisation | None = None
    service: str | None = None
    profession: Coded | None = None
    category: Coded | None = None
    specialty: Coded | None = None
    paperless: bool | None = None
    responsible: str | None = None
    national: bool = False
    local: bool = False
    encryption_key: bytes | None = None
    signing_key: bytes | None = None

    @property
    def mailbox_type(self) -> MailboxType | None:
        """The national mailbox type, None for a patient."""
        return TYPE_OF_KIND.get(self.kind)


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of search results; ``has_more`` instead of a total, which would cost a count
    of every match."""

    entries: tuple[DirectoryEntry, ...]
    offset: int
    limit: int
    has_more: bool
