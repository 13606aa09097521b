"""``/api/v1/signature-requests``: an establishment's program asks patients or professionals to
sign a PDF, follows the request, cancels it, and downloads the signed PDF and the evidence.

Everything runs in the calling key's session over the core service (mss/signatures/service.py):
only the participants' keys open a request, and of those only the organisation that sent it may
use it here, so a signer's own organisation key, another organisation's key and a guessed id
all get 404. Creating and cancelling need the ``send`` scope, reading needs ``status``. An
``Idempotency-Key`` makes a retried creation answer the first result without a second request.
"""

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Protocol
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Header, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime, BaseModel, Field, ValidationError

from crypto.session import open_from_account, seal_to_account
from crypto.tags import keyed_tag
from mss.accounts import UnlockedAccount
from mss.api.service import ApiCaller
from mss.policy import PolicyError
from mss.signatures.document import Placement
from mss.signatures.lifecycle import NotAllowed, RequestState
from mss.signatures.ports import (
    MAX_NOTE,
    MAX_SIGNERS,
    MAX_TITLE,
    Actor,
    NewSignatureRequest,
    OpenedRequest,
    UnknownRequest,
    UnknownSigner,
)
from mss.signatures.reminders import MAX_REMINDERS
from mss.store.api_repository import Claim
from mss.store.clock import now as store_now

MAX_PDF_BYTES = 20 * 1024 * 1024


class SignatureApi(Protocol):
    async def create(self, actor: Actor, new: NewSignatureRequest) -> OpenedRequest: ...

    async def open(self, request_id: str, who: UnlockedAccount) -> OpenedRequest: ...

    async def cancel(self, request_id: str, actor: Actor) -> OpenedRequest: ...


class IdempotencyStore(Protocol):
    async def claim(self, account_id: int, tag: bytes, now: int) -> Claim: ...

    async def answer(self, tag: bytes, sealed: bytes) -> None: ...

    async def release(self, tag: bytes) -> None: ...


class PlacementIn(BaseModel):
    page: int = Field(ge=1, description="Page (1 = première) / page, from 1")
    x: int = Field(ge=0, le=5000, description="Points depuis la gauche / from the left")
    y: int = Field(ge=0, le=5000, description="Points depuis le bas / from the bottom")
    width: int = Field(ge=40, le=1000)
    height: int = Field(ge=20, le=1000)


class SignatureMeta(BaseModel):
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    signers: list[str] = Field(min_length=1, max_length=MAX_SIGNERS)
    ordered: bool = Field(True, description="Dans l'ordre (true) ou en parallèle / in order")
    message: str = Field("", max_length=MAX_NOTE)
    expires_at: AwareDatetime
    reminder_days: list[Annotated[int, Field(ge=1, le=365)]] = Field(
        default_factory=list,
        max_length=MAX_REMINDERS,
        description="Rappels aux signataires en attente, en jours après l'envoi / reminders to "
        "pending signers, in days after sending",
    )
    placements: list[PlacementIn] | None = Field(
        None,
        description="Une par signataire, ou absent : bas de la dernière page / one per signer, "
        "or absent for automatic placement on the last page",
    )


class SignerOut(BaseModel):
    address: str
    name: str
    state: str = Field(description="waiting, sent, viewed, signed, declined")


class EventOut(BaseModel):
    kind: str
    at: str
    who: str


class SignatureRequestOut(BaseModel):
    id: str
    title: str
    state: str = Field(description="sent, completed, declined, expired, cancelled")
    expires_at: datetime
    signers: list[SignerOut]
    events: list[EventOut]
    decline_reason: str


EXAMPLE = {
    "title": "Consentement éclairé — chirurgie",
    "signers": ["279035121518989@patient.example", "dr.martin@hopital.example"],
    "ordered": True,
    "message": "Merci de signer avant votre admission.",
    "expires_at": "2027-01-15T18:00:00+01:00",
    "reminder_days": [2, 5],
}


def _out(opened: OpenedRequest) -> SignatureRequestOut:
    return SignatureRequestOut(
        id=opened.id,
        title=opened.title,
        state=opened.state.value,
        expires_at=opened.expires_at,
        signers=[
            SignerOut(address=s.address, name=s.name, state=s.state.value) for s in opened.signers
        ],
        events=[EventOut(kind=e.kind.value, at=e.at, who=e.who) for e in opened.trail],
        decline_reason=opened.decline_reason,
    )


def _actor(request: Request, caller: ApiCaller) -> Actor:
    ip = request.client.host if request.client else ""
    return Actor(caller.unlocked, ip, request.headers.get("user-agent", "")[:200])


def signature_routes(
    service: Callable[[], SignatureApi],
    idempotency: IdempotencyStore,
    server_secret: bytes,
    sender: Callable[..., Awaitable[ApiCaller]],
    reader: Callable[..., Awaitable[ApiCaller]],
) -> APIRouter:
    router = APIRouter(prefix="/signature-requests", tags=["signature-requests"])
    Sender = Annotated[ApiCaller, Depends(sender)]
    Reader = Annotated[ApiCaller, Depends(reader)]

    async def own(caller: ApiCaller, request_id: str) -> OpenedRequest:
        """The request if the caller's organisation sent it; 404 otherwise (signer or not)."""
        account = caller.unlocked.account
        try:
            opened = await service().open(request_id[:64], caller.unlocked)
        except UnknownRequest:
            raise HTTPException(404, "demande inconnue / unknown request") from None
        if opened.organisation.lower() != account.address.lower():
            raise HTTPException(404, "demande inconnue / unknown request")
        return opened

    @router.post(
        "",
        status_code=201,
        response_model=SignatureRequestOut,
        summary="Demander une signature / create a signature request",
        openapi_extra={
            "requestBody": {
                "content": {
                    "multipart/form-data": {
                        "encoding": {"metadata": {"contentType": "application/json"}},
                        "example": {"metadata": json.dumps(EXAMPLE, ensure_ascii=False)},
                    }
                }
            }
        },
    )
    async def create(
        request: Request,
        caller: Sender,
        metadata: Annotated[
            str, Form(description="JSON : titre, signataires, ordre, message, échéance, places")
        ],
        document: Annotated[UploadFile, File(description="Le PDF à signer / the PDF to sign")],
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> JSONResponse:
        try:
            meta = SignatureMeta.model_validate_json(metadata)
        except ValidationError as error:
            raise HTTPException(
                422, f"métadonnées invalides / invalid metadata: {error.errors(include_url=False)}"
            ) from None
        pdf = await document.read(MAX_PDF_BYTES + 1)
        if len(pdf) > MAX_PDF_BYTES:
            raise HTTPException(413, "document trop volumineux / document too large")
        account = caller.unlocked.account
        tag = None
        if idempotency_key:
            tag = keyed_tag(
                server_secret,
                b"api-signature-idempotency",
                str(account.id).encode(),
                idempotency_key.encode(),
            )
            claim = await idempotency.claim(account.id, tag, store_now())
            if not claim.fresh:
                if claim.answer is None:
                    raise HTTPException(
                        409, "requête identique en cours / same request in progress"
                    )
                first = open_from_account(claim.answer, caller.unlocked.keys)
                return JSONResponse(json.loads(first), status_code=201)
        placements = (
            None
            if meta.placements is None
            else [
                Placement(p.page - 1, (p.x, p.y, p.x + p.width, p.y + p.height))
                for p in meta.placements
            ]
        )
        new = NewSignatureRequest(
            title=meta.title,
            pdf=pdf,
            signers=meta.signers,
            expires_at=meta.expires_at.astimezone(UTC),
            ordered=meta.ordered,
            note=meta.message,
            filename=document.filename or "document.pdf",
            placements=placements,
            reminder_days=tuple(meta.reminder_days),
        )
        try:
            created = await service().create(_actor(request, caller), new)
        except (UnknownSigner, PolicyError, ValueError) as error:
            if tag is not None:
                await idempotency.release(tag)
            raise HTTPException(422, str(error)) from None
        except BaseException:
            # Any other failure frees the key too, or every retry would answer 409.
            if tag is not None:
                await idempotency.release(tag)
            raise
        body = _out(created).model_dump_json().encode()
        if tag is not None:
            await idempotency.answer(tag, seal_to_account(body, account.encryption_key))
        return JSONResponse(json.loads(body), status_code=201)

    @router.get(
        "/{request_id}",
        response_model=SignatureRequestOut,
        summary="État d'une demande / status of a request",
    )
    async def status(caller: Reader, request_id: str) -> SignatureRequestOut:
        return _out(await own(caller, request_id))

    @router.post(
        "/{request_id}/cancel",
        response_model=SignatureRequestOut,
        summary="Annuler une demande / cancel a request",
    )
    async def cancel(request: Request, caller: Sender, request_id: str) -> SignatureRequestOut:
        opened = await own(caller, request_id)
        try:
            return _out(await service().cancel(opened.id, _actor(request, caller)))
        except NotAllowed as refused:
            raise HTTPException(409, str(refused)) from None

    @router.get(
        "/{request_id}/document",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}}},
        summary="Le PDF signé / the signed PDF (once completed)",
    )
    async def signed_pdf(caller: Reader, request_id: str) -> Response:
        opened = await own(caller, request_id)
        if opened.state is not RequestState.COMPLETED:
            raise HTTPException(409, f"demande {opened.state.value} / request {opened.state.value}")
        return Response(
            opened.document,
            media_type="application/pdf",
            headers={"Content-Disposition": _attachment(opened.filename)},
        )

    @router.get(
        "/{request_id}/evidence",
        summary="Preuves Ed25519 et journal d'audit / Ed25519 evidence and audit trail (JSON)",
    )
    async def evidence(caller: Reader, request_id: str) -> JSONResponse:
        opened = await own(caller, request_id)
        return JSONResponse(
            {
                "id": opened.id,
                "state": opened.state.value,
                "evidence": [json.loads(item.to_json()) for item in opened.evidence],
                "trail": [
                    json.loads(event.payload()) | {"digest": event.digest} for event in opened.trail
                ],
            }
        )

    return router


def _attachment(filename: str) -> str:
    """RFC 6266 §4.3: an ASCII fallback and the UTF-8 name (RFC 8187)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
