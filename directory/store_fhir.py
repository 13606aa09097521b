"""Queries behind the FHIR view: practitioners, structures and roles (listed mailboxes).

FHIR string parameters match when the value starts with the parameter, accent- and
case-insensitively (FHIR R4 search §3.1.1.4.1.1 "string"): here, folded prefix ranges on the
indexed sort columns. Pages are ordered by those columns and cut by offset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from directory import codes
from directory.model import AddressKind, DirectoryEntry, Organisation, Practitioner
from directory.normalise import fold
from directory.schema import mailbox, organisation, practitioner
from directory.store import entry_select
from directory.store_rows import entry_from_row, organisation_from_row, practitioner_from_row

_TOP = "\U0010ffff"


@dataclass(frozen=True, slots=True)
class PractitionerQuery:
    """FHIR Practitioner search parameters (None: not given)."""

    name: str | None = None
    family: str | None = None
    given: str | None = None
    identifier: str | None = None


@dataclass(frozen=True, slots=True)
class RoleQuery:
    """FHIR PractitionerRole search parameters (None: not given)."""

    practitioner: str | None = None
    organization: str | None = None
    role: str | None = None
    specialty: str | None = None
    email: str | None = None


def _starts(column: sa.ColumnElement[str], value: str) -> sa.ColumnElement[bool]:
    key = fold(value)
    return (column >= key) & (column < key + _TOP)


def _identifiers(value: str, types: Sequence[str]) -> list[str]:
    """National ids a searched identifier may stand for: itself, or a bare number of any type."""
    return [value, *(code + value for code in types)]


def _prefixed(table: sa.Table, prefix: str) -> list[sa.Label[Any]]:
    return [column.label(f"{prefix}{column.name}") for column in table.c]


async def practitioners(
    engine: AsyncEngine, query: PractitionerQuery, offset: int, count: int
) -> list[Practitioner]:
    """Practitioners matching every given parameter, by family then given name."""
    table = practitioner
    conditions: list[sa.ColumnElement[bool]] = []
    if query.family is not None:
        conditions.append(_starts(table.c.family_norm, query.family))
    if query.given is not None:
        conditions.append(_starts(table.c.given_norm, query.given))
    if query.name is not None:
        conditions.append(
            _starts(table.c.family_norm, query.name) | _starts(table.c.given_norm, query.name)
        )
    if query.identifier is not None:
        types = list(codes.pp_identifier_types())
        conditions.append(table.c.national_id.in_(_identifiers(query.identifier, types)))
    statement = (
        sa.select(*_prefixed(table, "p_"))
        .where(*conditions)
        .order_by(table.c.family_norm, table.c.given_norm, table.c.national_id)
        .offset(offset)
        .limit(count)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(statement)).mappings().all()
    return [practitioner_from_row(row) for row in rows]


async def organisations(
    engine: AsyncEngine,
    name: str | None,
    identifier: str | None,
    offset: int,
    count: int,
    national_id: str | None = None,
) -> list[tuple[Organisation, list[str]]]:
    """Structures matching every given parameter, by name, each with its listed service and
    application addresses."""
    table = organisation
    conditions: list[sa.ColumnElement[bool]] = []
    if national_id is not None:
        conditions.append(table.c.national_id == national_id)
    if name is not None:
        conditions.append(_starts(table.c.name_norm, name))
    if identifier is not None:
        types = list(codes.structure_identifier_types())
        conditions.append(table.c.national_id.in_(_identifiers(identifier, types)))
    statement = (
        sa.select(*_prefixed(table, "o_"))
        .where(*conditions)
        .order_by(table.c.name_norm, table.c.national_id)
        .offset(offset)
        .limit(count)
    )
    async with engine.connect() as conn:
        found = [organisation_from_row(row) for row in (await conn.execute(statement)).mappings()]
        telecom: dict[str, list[str]] = {org.national_id: [] for org in found}
        if found:
            kinds = (AddressKind.ORGANISATION.value, AddressKind.APPLICATION.value)
            addresses = await conn.execute(
                sa.select(mailbox.c.organisation_id, mailbox.c.address)
                .where(
                    mailbox.c.organisation_id.in_(list(telecom)),
                    mailbox.c.listed,
                    mailbox.c.kind.in_(kinds),
                )
                .order_by(mailbox.c.address)
            )
            for org_id, address in addresses:
                telecom[org_id].append(address)
    return [(org, telecom[org.national_id]) for org in found]


async def roles(
    engine: AsyncEngine, query: RoleQuery, offset: int, count: int
) -> list[tuple[int, DirectoryEntry]]:
    """Listed personal mailboxes (one PractitionerRole each) matching every given parameter."""
    conditions: list[sa.ColumnElement[bool]] = [
        mailbox.c.listed,
        mailbox.c.kind == AddressKind.PROFESSIONAL.value,
        mailbox.c.practitioner_id.is_not(None),
    ]
    if query.practitioner is not None:
        conditions.append(mailbox.c.practitioner_id == query.practitioner)
    if query.organization is not None:
        conditions.append(mailbox.c.organisation_id == query.organization)
    if query.role is not None:
        conditions.append(mailbox.c.profession_code == query.role)
    if query.specialty is not None:
        conditions.append(mailbox.c.specialty_code == query.specialty)
    if query.email is not None:
        conditions.append(mailbox.c.address == query.email.strip().lower())
    statement = entry_select().where(*conditions).order_by(mailbox.c.id).offset(offset).limit(count)
    async with engine.connect() as conn:
        rows = (await conn.execute(statement)).mappings().all()
    return [(int(row["id"]), entry_from_row(row)) for row in rows]


async def role(engine: AsyncEngine, role_id: int) -> DirectoryEntry | None:
    """The listed personal mailbox ``role_id`` (a PractitionerRole), if any."""
    statement = entry_select().where(
        mailbox.c.id == role_id,
        mailbox.c.listed,
        mailbox.c.kind == AddressKind.PROFESSIONAL.value,
        mailbox.c.practitioner_id.is_not(None),
    )
    async with engine.connect() as conn:
        row = (await conn.execute(statement)).mappings().first()
    return None if row is None else entry_from_row(row)


async def practitioner_by_id(engine: AsyncEngine, national_id: str) -> Practitioner | None:
    """One practitioner by national id."""
    statement = sa.select(*_prefixed(practitioner, "p_")).where(
        practitioner.c.national_id == national_id
    )
    async with engine.connect() as conn:
        row = (await conn.execute(statement)).mappings().first()
    return None if row is None else practitioner_from_row(row)


async def organisation_by_id(
    engine: AsyncEngine, national_id: str
) -> tuple[Organisation, list[str]] | None:
    """One structure by national id, with its listed service and application addresses."""
    found = await organisations(engine, None, None, 0, 1, national_id=national_id)
    return found[0] if found else None
