"""Queries behind the FHIR view: practitioners, structures and roles (listed mailboxes).

FHIR string parameters match when the value starts with the parameter, accent- and
case-insensitively (FHIR R4 search §3.1.1.4.1.1 "string"): here, folded prefix ranges on the
indexed sort columns. ``mailbox-mss`` (ansforge Annuaire Santé IG, SearchParameter
as-sp-mailbox-mss, expression ``telecom.value``) also takes ``:contains`` and ``:exact``; it
matches listed mailboxes only, so that a red-listed address cannot be probed. Pages are ordered
by the sort columns and cut by offset.
"""

from __future__ import annotations

import operator
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from directory import codes
from directory.model import AddressKind, DirectoryEntry, Organisation, Practitioner
from directory.normalise import EXPANSIONS, fold
from directory.schema import import_run, mailbox, organisation, practitioner
from directory.store import entry_select
from directory.store_rows import entry_from_row, organisation_from_row, practitioner_from_row

_TOP = "\U0010ffff"
# Accented capitals of French place names (written in capitals in the national file), each
# replaced by its base letter in SQL before lower(), the same way on both databases (SQLite's
# lower() folds ASCII only). Kept short: SQLite's parser nests about twenty calls at most.
_ACCENTED = "ÀÂÇÉÈÊËÎÏÔÖÙÛÜŸ"
# Separators of place names read as spaces ("SAINT-ETIENNE", "L'ISLE").
_SEPARATORS = "-'"
# Abbreviations as La Poste writes them in the delivery line ("ST ETIENNE"), folded.
_ABBREVIATIONS = {written: short for short, written in EXPANSIONS.items()}


class Match(StrEnum):
    """How a string parameter compares (FHIR R4 search §3.1.1.4.1.1 and modifiers)."""

    STARTS = "starts"
    CONTAINS = "contains"
    EXACT = "exact"


@dataclass(frozen=True, slots=True)
class Text:
    """A string parameter's value and how it compares."""

    value: str
    match: Match = Match.STARTS


@dataclass(frozen=True, slots=True)
class Token:
    """A token parameter: ``system|code``; ``system`` None when the query named none."""

    code: str
    system: str | None = None


# FHIR date prefixes (R4 search §3.1.1.4.2) this view answers, as comparisons.
COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


@dataclass(frozen=True, slots=True)
class Updated:
    """``_lastUpdated``: the last change compared with ``when`` by ``prefix`` (gt, ge, lt, le)."""

    prefix: str
    when: datetime


@dataclass(frozen=True, slots=True)
class PractitionerQuery:
    """FHIR Practitioner search parameters (None: not given)."""

    name: str | None = None
    family: str | None = None
    given: str | None = None
    identifier: Token | None = None
    mailbox: Text | None = None
    ids: tuple[str, ...] | None = None
    active: bool | None = None
    updated: Updated | None = None


@dataclass(frozen=True, slots=True)
class RoleQuery:
    """FHIR PractitionerRole search parameters (None: not given)."""

    practitioner: str | None = None
    organization: str | None = None
    role: str | None = None
    specialty: str | None = None
    email: str | None = None
    mailbox: Text | None = None
    ids: tuple[int, ...] | None = None
    active: bool | None = None
    updated: Updated | None = None


@dataclass(frozen=True, slots=True)
class OrganisationQuery:
    """FHIR Organization search parameters (None: not given)."""

    name: str | None = None
    identifier: Token | None = None
    city: str | None = None
    postcode: str | None = None
    mailbox: Text | None = None
    ids: tuple[str, ...] | None = None
    active: bool | None = None
    updated: Updated | None = None


@dataclass(frozen=True, slots=True)
class PractitionerView:
    """A practitioner with its listed mailboxes (each carrying profession and specialty)."""

    practitioner: Practitioner
    mailboxes: list[DirectoryEntry] = field(default_factory=list)
    updated: datetime | None = None


@dataclass(frozen=True, slots=True)
class OrganisationView:
    """A structure with its listed organisational and applicative mailboxes."""

    organisation: Organisation
    mailboxes: list[DirectoryEntry] = field(default_factory=list)
    updated: datetime | None = None


def _starts(column: sa.ColumnElement[str], value: str) -> sa.ColumnElement[bool]:
    key = fold(value)
    return (column >= key) & (column < key + _TOP)


def _like_escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _address_matches(text: Text) -> sa.ColumnElement[bool]:
    """A mailbox address compared with ``text``; addresses are stored in canonical lower case."""
    value = text.value.strip().lower()
    column = mailbox.c.address
    if text.match is Match.EXACT:
        return column == value
    if text.match is Match.CONTAINS:
        return column.like(f"%{_like_escaped(value)}%", escape="\\")
    return (column >= value) & (column < value + _TOP)


def _national_ids(
    token: Token, own: str, typed: str, prefix: str, types: Sequence[str]
) -> list[str]:
    """National ids a searched identifier stands for.

    Under the national id's own system (``own``) the value is the national id; under the typed
    system (``typed``: RPPS, FINESS) it is the bare number, the national id being ``prefix``
    followed by it; with no system, any of these or any other type's number; under any other
    system, nothing.
    """
    systems = codes.fhir_systems()
    if token.system is None:
        return [token.code, *(code + token.code for code in types)]
    if token.system == systems[own].label:
        return [token.code]
    if token.system == systems[typed].label:
        return [prefix + token.code]
    return []


def _folded_sql(column: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    """``column`` lower-cased, unaccented and with separators as spaces, in portable SQL."""
    expression: sa.ColumnElement[str] = column
    for letter in _ACCENTED:
        base = unicodedata.normalize("NFKD", letter)[0].lower()
        expression = sa.func.replace(expression, letter, base)
    for separator in _SEPARATORS:
        expression = sa.func.replace(expression, separator, " ")
    return sa.func.lower(expression)


def _city_matches(value: str) -> sa.ColumnElement[bool]:
    """The structure's city starts with ``value``, written out or abbreviated as La Poste does
    ("saint etienne" and "ST ETIENNE" alike)."""
    written = fold(value)
    short = " ".join(_ABBREVIATIONS.get(word, word) for word in written.split())
    city = _folded_sql(organisation.c.city)
    return sa.or_(*(city.like(f"{_like_escaped(v)}%", escape="\\") for v in {written, short}))


def _listed_mailbox(owner: sa.ColumnElement[bool], text: Text) -> sa.ColumnElement[bool]:
    found = sa.select(sa.literal(1)).where(owner, mailbox.c.listed, _address_matches(text))
    return found.exists()


def _last_change(owner: sa.ColumnElement[bool]) -> sa.ScalarSelect[Any]:
    """When the import run that last wrote a listed mailbox of ``owner`` started: the last
    change of what the national file says of it (a run rewrites only changed rows)."""
    return (
        sa.select(sa.func.max(import_run.c.started_at))
        .select_from(mailbox.join(import_run, import_run.c.id == mailbox.c.seen_run))
        .where(owner, mailbox.c.listed)
        .scalar_subquery()
    )


def _updated(last: sa.ColumnElement[Any], updated: Updated) -> sa.ColumnElement[bool]:
    return sa.and_(COMPARISONS[updated.prefix](last, updated.when))


def _prefixed(table: sa.Table, prefix: str) -> list[sa.Label[Any]]:
    return [column.label(f"{prefix}{column.name}") for column in table.c]


_PERSONAL = mailbox.c.kind == AddressKind.PROFESSIONAL.value
_STRUCTURE_KINDS = (AddressKind.ORGANISATION.value, AddressKind.APPLICATION.value)


async def practitioners(
    engine: AsyncEngine, query: PractitionerQuery, offset: int, count: int
) -> list[PractitionerView]:
    """Practitioners matching every given parameter, by family then given name."""
    table = practitioner
    conditions: list[sa.ColumnElement[bool]] = []
    if query.active is False:
        conditions.append(sa.false())
    if query.ids is not None:
        conditions.append(table.c.national_id.in_(query.ids))
    if query.family is not None:
        conditions.append(_starts(table.c.family_norm, query.family))
    if query.given is not None:
        conditions.append(_starts(table.c.given_norm, query.given))
    if query.name is not None:
        conditions.append(
            _starts(table.c.family_norm, query.name) | _starts(table.c.given_norm, query.name)
        )
    if query.identifier is not None:
        table_types = codes.pp_identifier_types()
        rpps = codes.type_with_rule(table_types, "rpps")
        wanted = _national_ids(
            query.identifier, "practitioner_national_id", "rpps", rpps, list(table_types)
        )
        conditions.append(table.c.national_id.in_(wanted))
    owner = (mailbox.c.practitioner_id == table.c.national_id) & _PERSONAL
    if query.mailbox is not None:
        conditions.append(_listed_mailbox(owner, query.mailbox))
    last = _last_change(owner)
    if query.updated is not None:
        conditions.append(_updated(last, query.updated))
    statement = (
        sa.select(*_prefixed(table, "p_"), last.label("updated"))
        .where(*conditions)
        .order_by(table.c.family_norm, table.c.given_norm, table.c.national_id)
        .offset(offset)
        .limit(count)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(statement)).mappings().all()
        found = [(practitioner_from_row(row), _aware(row["updated"])) for row in rows]
        owned = await _mailboxes(
            conn, mailbox.c.practitioner_id, [p.national_id for p, _ in found], _PERSONAL
        )
    return [PractitionerView(p, owned.get(p.national_id, []), when) for p, when in found]


def _aware(value: datetime | None) -> datetime | None:
    """A stored time in UTC (SQLite returns it naive; the max() of a subquery is not typed)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


async def _mailboxes(
    conn: AsyncConnection,
    owner: sa.ColumnElement[Any],
    keys: list[str],
    kind: sa.ColumnElement[bool],
) -> dict[str, list[DirectoryEntry]]:
    """Listed mailboxes of the given owners (by ``owner`` column), by address."""
    if not keys:
        return {}
    statement = (
        entry_select()
        .add_columns(owner.label("owner_key"))
        .where(owner.in_(keys), mailbox.c.listed, kind)
        .order_by(mailbox.c.address)
    )
    by_owner: dict[str, list[DirectoryEntry]] = {}
    for row in (await conn.execute(statement)).mappings():
        by_owner.setdefault(row["owner_key"], []).append(entry_from_row(row))
    return by_owner


async def organisations(
    engine: AsyncEngine, query: OrganisationQuery, offset: int, count: int
) -> list[OrganisationView]:
    """Structures matching every given parameter, by name, each with its listed service and
    application mailboxes."""
    table = organisation
    conditions: list[sa.ColumnElement[bool]] = []
    if query.active is False:
        conditions.append(sa.false())
    if query.ids is not None:
        conditions.append(table.c.national_id.in_(query.ids))
    if query.name is not None:
        conditions.append(_starts(table.c.name_norm, query.name))
    if query.identifier is not None:
        table_types = codes.structure_identifier_types()
        finess = codes.type_with_rule(table_types, "finess")
        wanted = _national_ids(
            query.identifier, "structure_national_id", "finess", finess, list(table_types)
        )
        conditions.append(table.c.national_id.in_(wanted))
    if query.city is not None:
        conditions.append(_city_matches(query.city))
    if query.postcode is not None:
        code = query.postcode.strip()
        conditions.append((table.c.postcode >= code) & (table.c.postcode < code + _TOP))
    owner = (mailbox.c.organisation_id == table.c.national_id) & mailbox.c.kind.in_(
        _STRUCTURE_KINDS
    )
    if query.mailbox is not None:
        conditions.append(_listed_mailbox(owner, query.mailbox))
    last = _last_change(mailbox.c.organisation_id == table.c.national_id)
    if query.updated is not None:
        conditions.append(_updated(last, query.updated))
    statement = (
        sa.select(*_prefixed(table, "o_"), last.label("updated"))
        .where(*conditions)
        .order_by(table.c.name_norm, table.c.national_id)
        .offset(offset)
        .limit(count)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(statement)).mappings().all()
        found = [(organisation_from_row(row), _aware(row["updated"])) for row in rows]
        owned = await _mailboxes(
            conn,
            mailbox.c.organisation_id,
            [o.national_id for o, _ in found],
            mailbox.c.kind.in_(_STRUCTURE_KINDS),
        )
    return [OrganisationView(o, owned.get(o.national_id, []), when) for o, when in found]


def _role_conditions() -> list[sa.ColumnElement[bool]]:
    return [mailbox.c.listed, _PERSONAL, mailbox.c.practitioner_id.is_not(None)]


@dataclass(frozen=True, slots=True)
class RoleView:
    """A listed personal mailbox as a PractitionerRole: its id, entry and last change."""

    id: int
    entry: DirectoryEntry
    updated: datetime | None = None


async def roles(engine: AsyncEngine, query: RoleQuery, offset: int, count: int) -> list[RoleView]:
    """Listed personal mailboxes (one PractitionerRole each) matching every given parameter."""
    conditions = _role_conditions()
    if query.active is False:
        conditions.append(sa.false())
    if query.ids is not None:
        conditions.append(mailbox.c.id.in_(query.ids))
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
    if query.mailbox is not None:
        conditions.append(_address_matches(query.mailbox))
    last = (
        sa.select(import_run.c.started_at)
        .where(import_run.c.id == mailbox.c.seen_run)
        .scalar_subquery()
    )
    if query.updated is not None:
        conditions.append(_updated(last, query.updated))
    statement = (
        entry_select()
        .add_columns(last.label("updated"))
        .where(*conditions)
        .order_by(mailbox.c.id)
        .offset(offset)
        .limit(count)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(statement)).mappings().all()
    return [RoleView(int(row["id"]), entry_from_row(row), _aware(row["updated"])) for row in rows]


async def role(engine: AsyncEngine, role_id: int) -> RoleView | None:
    """The listed personal mailbox ``role_id`` (a PractitionerRole), if any."""
    found = await roles(engine, RoleQuery(ids=(role_id,)), 0, 1)
    return found[0] if found else None


async def practitioner_by_id(engine: AsyncEngine, national_id: str) -> PractitionerView | None:
    """One practitioner by national id, with its listed mailboxes."""
    found = await practitioners(engine, PractitionerQuery(ids=(national_id,)), 0, 1)
    return found[0] if found else None


async def organisation_by_id(engine: AsyncEngine, national_id: str) -> OrganisationView | None:
    """One structure by national id, with its listed service and application mailboxes."""
    found = await organisations(engine, OrganisationQuery(ids=(national_id,)), 0, 1)
    return found[0] if found else None
