"""FHIR R4 view of the directory: /fhir/Practitioner, /fhir/PractitionerRole, /fhir/Organization
and the CapabilityStatement at /fhir/metadata.

Searches return searchset Bundles paged by ``_count`` and ``_offset`` with self/next/previous
links; reads return one resource; errors are OperationOutcome resources. A parameter this view
does not know, a modifier it does not support or a repeated parameter is an error (FHIR R4
search §3.1.1.1 allows a server to refuse them; ignoring one would return unrelated entries as
if they matched). The CapabilityStatement lists exactly the parameters accepted here: both come
from `SEARCHES`.

Every route but /fhir/metadata requires an authenticated account (the ``current_account``
dependency given by the web application); the CapabilityStatement says what the server does, not
what it holds, and clients read it before they authenticate. Red-listed mailboxes never appear.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette import status

from directory import fhir_resources as fr
from directory.service import DirectoryService
from directory.store_fhir import (
    COMPARISONS,
    Match,
    OrganisationQuery,
    PractitionerQuery,
    RoleQuery,
    Text,
    Token,
    Updated,
)

FHIR_JSON = "application/fhir+json"
DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_OFFSET = 10_000
SOFTWARE = "MSS directory"
# When this view's capabilities last changed (CapabilityStatement.date).
CAPABILITIES_DATE = "2026-12-03"

_PAGING = {"_count": "number", "_offset": "number"}
_COMMON = {"_id": "token", "_lastUpdated": "date", "active": "token", "mailbox-mss": "string"}
# Search parameters of each resource type (name -> FHIR type), as the ansforge IG names them.
SEARCHES: dict[str, dict[str, str]] = {
    "Practitioner": {
        **_COMMON,
        "identifier": "token",
        "family": "string",
        "given": "string",
        "name": "string",
        **_PAGING,
    },
    "PractitionerRole": {
        **_COMMON,
        "practitioner": "reference",
        "organization": "reference",
        "role": "token",
        "specialty": "token",
        "email": "token",
        **_PAGING,
    },
    "Organization": {
        **_COMMON,
        "identifier": "token",
        "name": "string",
        "address-city": "string",
        "address-postalcode": "string",
        **_PAGING,
    },
}
# Modifiers accepted per parameter (as-sp-mailbox-mss: contains, exact).
MODIFIERS = {"mailbox-mss": {"contains": Match.CONTAINS, "exact": Match.EXACT}}


class _BadRequest(Exception):
    """A search request that breaks a rule; answered with an OperationOutcome."""

    def __init__(self, diagnostics: str, code: str = "invalid") -> None:
        super().__init__(diagnostics)
        self.diagnostics = diagnostics
        self.code = code


def _respond(resource: dict[str, Any], code: int = status.HTTP_200_OK) -> JSONResponse:
    return JSONResponse(resource, status_code=code, media_type=FHIR_JSON)


def _outcome(code: int, issue: str, diagnostics: str) -> JSONResponse:
    return _respond(fr.operation_outcome(issue, diagnostics), code)


@dataclass(frozen=True, slots=True)
class _Params:
    """The checked parameters of one search: name -> (value, modifier or None)."""

    values: dict[str, tuple[str, str | None]]

    def text(self, name: str) -> str | None:
        found = self.values.get(name)
        return None if found is None else found[0]

    def count(self) -> int:
        return _bounded(self.text("_count"), "_count", DEFAULT_COUNT, 1, MAX_COUNT)

    def offset(self) -> int:
        return _bounded(self.text("_offset"), "_offset", 0, 0, MAX_OFFSET)


def _checked(request: Request, kind: str) -> _Params:
    """The request's parameters, refusing unknown, repeated, empty or wrongly modified ones."""
    allowed = SEARCHES[kind]
    values: dict[str, tuple[str, str | None]] = {}
    for key, raw in request.query_params.multi_items():
        name, _, modifier = key.partition(":")
        if name not in allowed:
            raise _BadRequest(f"{key}: not a search parameter of {kind}", "not-supported")
        if modifier and modifier not in MODIFIERS.get(name, {}):
            raise _BadRequest(f"{key}: modifier :{modifier} not supported", "not-supported")
        if name in values:
            raise _BadRequest(f"{name}: given more than once", "not-supported")
        if not raw.strip():
            raise _BadRequest(f"{key}: must not be empty")
        values[name] = (raw.strip(), modifier or None)
    return _Params(values)


def _bounded(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _BadRequest(f"{name}: an integer from {low} to {high}")
    return int(raw)


def _reference(value: str | None, kind: str) -> str | None:
    """``Kind/id`` or a bare id, as FHIR reference parameters allow."""
    return None if value is None else value.removeprefix(f"{kind}/")


def _code(value: str | None) -> str | None:
    """The code of a ``system|code`` token parameter."""
    return None if value is None else value.rpartition("|")[2]


def _token(value: str | None) -> Token | None:
    """``system|code``, ``|code`` (no system) or ``code`` (any system)."""
    if value is None:
        return None
    system, bar, code = value.rpartition("|")
    return Token(code, system or None) if bar else Token(value)


def _mailbox(params: _Params) -> Text | None:
    found = params.values.get("mailbox-mss")
    if found is None:
        return None
    value, modifier = found
    return Text(value, MODIFIERS["mailbox-mss"][modifier] if modifier else Match.STARTS)


def _active(params: _Params) -> bool | None:
    value = _code(params.text("active"))
    if value is None:
        return None
    if value not in ("true", "false"):
        raise _BadRequest("active: true or false")
    return value == "true"


def _ids(params: _Params) -> tuple[str, ...] | None:
    value = params.text("_id")
    return None if value is None else tuple(value.split(","))


def _updated(params: _Params) -> Updated | None:
    """``_lastUpdated`` with a gt, ge, lt or le prefix and an instant or a date."""
    value = params.text("_lastUpdated")
    if value is None:
        return None
    prefix, moment = value[:2], value[2:]
    if prefix not in COMPARISONS:
        raise _BadRequest("_lastUpdated: a prefix gt, ge, lt or le, then a date or an instant")
    try:
        when = datetime.fromisoformat(moment)
    except ValueError:
        raise _BadRequest(f"_lastUpdated: {moment!r} is not a date or an instant") from None
    return Updated(prefix, when if when.tzinfo else when.replace(tzinfo=UTC))


def _instant(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(UTC).isoformat()


def _with_meta(resource: dict[str, Any], when: datetime | None) -> dict[str, Any]:
    """``meta.lastUpdated``: the start of the import run that last changed the resource."""
    instant = _instant(when)
    if instant is not None:
        resource["meta"] = {"lastUpdated": instant}
    return resource


def _bundle(
    request: Request, params: _Params, resources: list[dict[str, Any]], more: bool
) -> JSONResponse:
    offset, count = params.offset(), params.count()
    links = {"self": str(request.url)}
    if more and offset + count <= MAX_OFFSET:
        links["next"] = str(request.url.include_query_params(_offset=offset + count))
    if offset > 0:
        links["previous"] = str(request.url.include_query_params(_offset=max(0, offset - count)))
    return _respond(fr.searchset(_base(request), resources, links))


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/fhir"


def build_router(
    service: DirectoryService, current_account: Callable[..., Awaitable[str]]
) -> APIRouter:
    """The FHIR routes over ``service``, each but /fhir/metadata requiring ``current_account``."""
    router = APIRouter(prefix="/fhir", tags=["fhir"])
    guarded = APIRouter(dependencies=[Depends(current_account)])

    @router.get("/metadata")
    async def capabilities(request: Request) -> JSONResponse:
        statement = fr.capability_statement(_base(request), SEARCHES, SOFTWARE, CAPABILITIES_DATE)
        return _respond(statement)

    @guarded.get("/Practitioner")
    async def search_practitioners(request: Request) -> JSONResponse:
        try:
            params = _checked(request, "Practitioner")
            offset, count = params.offset(), params.count()
            query = PractitionerQuery(
                name=params.text("name"),
                family=params.text("family"),
                given=params.text("given"),
                identifier=_token(params.text("identifier")),
                mailbox=_mailbox(params),
                ids=_ids(params),
                active=_active(params),
                updated=_updated(params),
            )
        except _BadRequest as exc:
            return _outcome(status.HTTP_400_BAD_REQUEST, exc.code, exc.diagnostics)
        found = await service.practitioners(query, offset, count + 1)
        resources = [
            _with_meta(fr.practitioner_resource(view.practitioner, view.mailboxes), view.updated)
            for view in found[:count]
        ]
        return _bundle(request, params, resources, len(found) > count)

    @guarded.get("/Practitioner/{national_id}")
    async def read_practitioner(national_id: str) -> JSONResponse:
        view = await service.practitioner(national_id)
        if view is None:
            return _outcome(status.HTTP_404_NOT_FOUND, "not-found", "no such Practitioner")
        resource = fr.practitioner_resource(view.practitioner, view.mailboxes)
        return _respond(_with_meta(resource, view.updated))

    @guarded.get("/PractitionerRole")
    async def search_roles(request: Request) -> JSONResponse:
        try:
            params = _checked(request, "PractitionerRole")
            offset, count = params.offset(), params.count()
            ids = _ids(params)
            if ids is not None and not all(i.isdigit() for i in ids):
                raise _BadRequest("_id: PractitionerRole ids are numbers")
            query = RoleQuery(
                practitioner=_reference(params.text("practitioner"), "Practitioner"),
                organization=_reference(params.text("organization"), "Organization"),
                role=_code(params.text("role")),
                specialty=_code(params.text("specialty")),
                email=params.text("email"),
                mailbox=_mailbox(params),
                ids=None if ids is None else tuple(int(i) for i in ids),
                active=_active(params),
                updated=_updated(params),
            )
        except _BadRequest as exc:
            return _outcome(status.HTTP_400_BAD_REQUEST, exc.code, exc.diagnostics)
        found = await service.roles(query, offset, count + 1)
        resources = [
            _with_meta(fr.role_resource(view.id, view.entry), view.updated)
            for view in found[:count]
        ]
        return _bundle(request, params, resources, len(found) > count)

    @guarded.get("/PractitionerRole/{role_id}")
    async def read_role(role_id: str) -> JSONResponse:
        view = await service.role(int(role_id)) if role_id.isdigit() else None
        if view is None:
            return _outcome(status.HTTP_404_NOT_FOUND, "not-found", "no such PractitionerRole")
        return _respond(_with_meta(fr.role_resource(view.id, view.entry), view.updated))

    @guarded.get("/Organization")
    async def search_organizations(request: Request) -> JSONResponse:
        try:
            params = _checked(request, "Organization")
            offset, count = params.offset(), params.count()
            query = OrganisationQuery(
                name=params.text("name"),
                identifier=_token(params.text("identifier")),
                city=params.text("address-city"),
                postcode=params.text("address-postalcode"),
                mailbox=_mailbox(params),
                ids=_ids(params),
                active=_active(params),
                updated=_updated(params),
            )
        except _BadRequest as exc:
            return _outcome(status.HTTP_400_BAD_REQUEST, exc.code, exc.diagnostics)
        found = await service.organisations(query, offset, count + 1)
        resources = [
            _with_meta(fr.organization_resource(view.organisation, view.mailboxes), view.updated)
            for view in found[:count]
        ]
        return _bundle(request, params, resources, len(found) > count)

    @guarded.get("/Organization/{national_id}")
    async def read_organization(national_id: str) -> JSONResponse:
        view = await service.organisation(national_id)
        if view is None:
            return _outcome(status.HTTP_404_NOT_FOUND, "not-found", "no such Organization")
        resource = fr.organization_resource(view.organisation, view.mailboxes)
        return _respond(_with_meta(resource, view.updated))

    router.include_router(guarded)
    return router
