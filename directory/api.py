"""JSON API of the directory for the web application: search, and one entry with its keys.

Every route requires an authenticated account (the ``current_account`` dependency given by the
web application). Red-listed entries are neither listed nor shown: they are only resolved by
the server itself, for delivery.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel
from starlette import status

from directory.errors import InvalidField
from directory.model import Coded, DirectoryEntry
from directory.service import MAX_PAGE, DirectoryService


class CodeOut(BaseModel):
    """A national code and its label."""

    code: str
    label: str | None


class OrganisationOut(BaseModel):
    """The structure a mailbox belongs to."""

    id: str
    name: str | None
    trade_name: str | None
    street: str | None
    postcode: str | None
    city: str | None


class KeysOut(BaseModel):
    """Public keys of a local account, base64 (standard alphabet)."""

    encryption_x25519: str
    signing_ed25519: str


class EntryOut(BaseModel):
    """One directory entry as the webmail shows it."""

    address: str
    kind: str
    mailbox_type: str | None
    display_name: str
    practitioner_id: str | None
    civility: CodeOut | None
    family: str | None
    given: str | None
    profession: CodeOut | None
    specialty: CodeOut | None
    organisation: OrganisationOut | None
    service: str | None
    keys: KeysOut | None


class SearchOut(BaseModel):
    """A page of search results."""

    query: str
    offset: int
    limit: int
    has_more: bool
    entries: list[EntryOut]


def _code(coded: Coded | None) -> CodeOut | None:
    return None if coded is None else CodeOut(code=coded.code, label=coded.label)


def entry_out(entry: DirectoryEntry) -> EntryOut:
    """The JSON shape of an entry."""
    person, org = entry.practitioner, entry.organisation
    keys = None
    if entry.encryption_key is not None and entry.signing_key is not None:
        keys = KeysOut(
            encryption_x25519=base64.b64encode(entry.encryption_key).decode(),
            signing_ed25519=base64.b64encode(entry.signing_key).decode(),
        )
    street = None
    if org is not None:
        parts = (org.address.number, org.address.street_type, org.address.street)
        street = " ".join(p for p in parts if p) or None
    return EntryOut(
        address=entry.address,
        kind=entry.kind.value,
        mailbox_type=entry.mailbox_type.value if entry.mailbox_type else None,
        display_name=entry.display_name,
        practitioner_id=person.national_id if person else None,
        civility=_code(person.civility) if person else None,
        family=person.family if person else None,
        given=person.given if person else None,
        profession=_code(entry.profession),
        specialty=_code(entry.specialty),
        organisation=OrganisationOut(
            id=org.national_id,
            name=org.name,
            trade_name=org.trade_name,
            street=street,
            postcode=org.address.postcode,
            city=org.address.city,
        )
        if org
        else None,
        service=entry.service,
        keys=keys,
    )


def build_router(
    service: DirectoryService, current_account: Callable[..., Awaitable[str]]
) -> APIRouter:
    """The JSON routes over ``service``, each requiring ``current_account``."""
    router = APIRouter(
        prefix="/api/directory", tags=["directory"], dependencies=[Depends(current_account)]
    )

    @router.get("/search")
    async def search(
        q: Annotated[str, Query(min_length=1, max_length=200)],
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> SearchOut:
        try:
            page = await service.search(q, limit=limit, offset=offset)
        except InvalidField as exc:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                detail={"field": exc.field, "rule": exc.rule},
            ) from None
        return SearchOut(
            query=q,
            offset=page.offset,
            limit=page.limit,
            has_more=page.has_more,
            entries=[entry_out(e) for e in page.entries],
        )

    @router.get("/{address}")
    async def show(address: str) -> EntryOut:
        entry = await service.resolve(address)
        if entry is None or not entry.listed:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such listed address")
        return entry_out(entry)

    return router
