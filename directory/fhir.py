"""FHIR R4 view of the directory: /fhir/Practitioner, /fhir/PractitionerRole, /fhir/Organization.

Searches return searchset Bundles paged by ``_count`` and ``_offset`` with self/next/previous
links; reads return one resource; errors are OperationOutcome resources. Every route requires an
authenticated account (the ``current_account`` dependency given by the web application).
Red-listed mailboxes never appear: a PractitionerRole is a listed personal mailbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette import status

from directory import fhir_resources as fr
from directory.service import DirectoryService
from directory.store_fhir import PractitionerQuery, RoleQuery

FHIR_JSON = "application/fhir+json"
DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_OFFSET = 10_000


class _BadRequest(Exception):
    """A search parameter that breaks its rule; answered with an OperationOutcome."""

    def __init__(self, diagnostics: str) -> None:
        super().__init__(diagnostics)
        self.diagnostics = diagnostics


def _respond(resource: dict[str, Any], code: int = status.HTTP_200_OK) -> JSONResponse:
    return JSONResponse(resource, status_code=code, media_type=FHIR_JSON)


def _outcome(code: int, issue: str, diagnostics: str) -> JSONResponse:
    return _respond(fr.operation_outcome(issue, diagnostics), code)


def _bounded(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _BadRequest(f"{name}: an integer from {low} to {high}")
    return int(raw)


def _text(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    if value is not None and not value.strip():
        raise _BadRequest(f"{name}: must not be empty")
    return value.strip() if value is not None else None


def _reference(value: str | None, kind: str) -> str | None:
    """``Kind/id`` or a bare id, as FHIR reference parameters allow."""
    return None if value is None else value.removeprefix(f"{kind}/")


def _token(value: str | None) -> str | None:
    """The code of a ``system|code`` token parameter."""
    return None if value is None else value.rpartition("|")[2]


def _bundle(request: Request, resources: list[dict[str, Any]], more: bool) -> JSONResponse:
    offset = _bounded(request, "_offset", 0, 0, MAX_OFFSET)
    count = _bounded(request, "_count", DEFAULT_COUNT, 1, MAX_COUNT)
    links = {"self": str(request.url)}
    if more and offset + count <= MAX_OFFSET:
        links["next"] = str(request.url.include_query_params(_offset=offset + count))
    if offset > 0:
        links["previous"] = str(request.url.include_query_params(_offset=max(0, offset - count)))
    base = str(request.base_url).rstrip("/") + "/fhir"
    return _respond(fr.searchset(base, resources, links))


def build_router(
    service: DirectoryService, current_account: Callable[..., Awaitable[str]]
) -> APIRouter:
    """The FHIR routes over ``service``, each requiring ``current_account``."""
    router = APIRouter(prefix="/fhir", tags=["fhir"], dependencies=[Depends(current_account)])

    def paging(request: Request) -> tuple[int, int]:
        count = _bounded(request, "_count", DEFAULT_COUNT, 1, MAX_COUNT)
        return _bounded(request, "_offset", 0, 0, MAX_OFFSET), count

    @router.get("/Practitioner")
    async def search_practitioners(request: Request) -> JSONResponse:
        try:
            offset, count = paging(request)
            query = PractitionerQuery(
                name=_text(request, "name"),
                family=_text(request, "family"),
                given=_text(request, "given"),
                identifier=_token(_text(request, "identifier")),
            )
        except _BadRequest as exc:
            return _outcome(status.HTTP_400_BAD_REQUEST, "invalid", exc.diagnostics)
        found = await service.practitioners(query, offset, count + 1)
        resources = [fr.practitioner_resource(p) for p in found[:count]]
        return _bundle(request, resources, len(found) > count)

    @router.get("/Practitioner/{national_id}")
    async def read_practitioner(national_id: str) -> JSONResponse:
        found = await service.practitioner(national_id)
        if found is None:
            return _outcome(status.HTTP_404_NOT_FOUND, "not-found", "no such Practitioner")
        return _respond(fr.practitioner_resource(found))

    @router.get("/PractitionerRole")
    async def search_roles(request: Request) -> JSONResponse:
        try:
            offset, count = paging(request)
            query = RoleQuery(
                practitioner=_reference(_text(request, "practitioner"), "Practitioner"),
                organization=_reference(_text(request, "organization"), "Organization"),
                role=_token(_text(request, "role")),
                specialty=_token(_text(request, "specialty")),
                email=_text(request, "email"),
            )
        except _BadRequest as exc:
            return _outcome(status.HTTP_400_BAD_REQUEST, "invalid", exc.diagnostics)
        found = await service.roles(query, offset, count + 1)
        resources = [fr.role_resource(i, e) for i, e in found[:count]]
        return _bundle(request, resources, len(found) > count)

    @router.get("/PractitionerRole/{role_id}")
    async def read_role(role_id: str) -> JSONResponse:
        found = await service.role(int(role_id)) if role_id.isdigit() else None
        if found is None:
            return _outcome(status.HTTP_404_NOT_FOUND, "not-found", "no such PractitionerRole")
        return _respond(fr.role_resource(int(role_id), found))

    @router.get("/Organization")
    async def search_organizations(request: Request) -> JSONResponse:
        try:
            offset, count = paging(request)
            name = _text(request, "name")
            identifier = _token(_text(request, "identifier"))
        except _BadRequest as exc:
            return _outcome(status.HTTP_400_BAD_REQUEST, "invalid", exc.diagnostics)
        found = await service.organisations(name, identifier, offset, count + 1)
        resources = [fr.organization_resource(o, a) for o, a in found[:count]]
        return _bundle(request, resources, len(found) > count)

    @router.get("/Organization/{national_id}")
    async def read_organization(national_id: str) -> JSONResponse:
        found = await service.organisation(national_id)
        if found is None:
            return _outcome(status.HTTP_404_NOT_FOUND, "not-found", "no such Organization")
        return _respond(fr.organization_resource(*found))

    return router
