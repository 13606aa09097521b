"""``/api/v1/webhooks``: an organisation or application account registers the endpoints that
receive its events, lists and removes them, and reads each one's delivery log.

The signing secret is in the answer to the registration only (it is stored sealed, never shown
again); the signature format is documented in mss/webhooks/signing.py and in this route's
description. Another account's endpoint answers 404, like one that does not exist.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Protocol

from fastapi import APIRouter, Depends, HTTPException, Response
from pydantic import BaseModel, Field

from mss.api.service import ApiCaller
from mss.store.webhook_sql import DeliveryRow
from mss.webhooks.service import Endpoint, Registered, TooManyEndpoints
from mss.webhooks.signing import HEADER, TOLERANCE_SECONDS
from mss.webhooks.targets import TargetRefused

SIGNATURE_HELP = (
    f"Chaque requête porte l'en-tête `{HEADER}: t=<secondes>,v1=<hex>` où v1 = HMAC-SHA256(secret, "
    "t + '.' + corps). Refusez un t éloigné de plus de "
    f"{TOLERANCE_SECONDS} s et un `id` d'événement déjà traité. / Every request carries "
    f"`{HEADER}: t=<seconds>,v1=<hex>` where v1 = HMAC-SHA256(secret, t + '.' + body); refuse a "
    f"t more than {TOLERANCE_SECONDS} s away and an event `id` already handled."
)


class WebhookApi(Protocol):
    async def register(self, owner_id: int, url: str) -> Registered: ...

    async def endpoints(self, owner_id: int) -> list[Endpoint]: ...

    async def remove(self, owner_id: int, endpoint_id: str) -> bool: ...

    async def deliveries(self, owner_id: int, endpoint_id: str) -> list[DeliveryRow] | None: ...


class NewEndpoint(BaseModel):
    url: str = Field(
        min_length=8,
        max_length=2000,
        description="URL https publique / public https URL",
        examples=["https://logiciel.hopital.example/mss/evenements"],
    )


class EndpointOut(BaseModel):
    id: str
    url: str
    created_at: int


class CreatedEndpoint(EndpointOut):
    secret: str = Field(description="Secret de signature, montré une seule fois / shown once")


class DeliveryOut(BaseModel):
    id: str
    event_type: str
    state: str = Field(description="pending, delivered, failed")
    attempts: int
    last_status: int | None
    last_error: str
    created_at: int
    next_attempt_at: int | None
    finished_at: int | None


def webhook_routes(hooks: WebhookApi, caller: Callable[..., Awaitable[ApiCaller]]) -> APIRouter:
    router = APIRouter(prefix="/webhooks", tags=["webhooks"])
    Caller = Annotated[ApiCaller, Depends(caller)]

    @router.post(
        "",
        status_code=201,
        response_model=CreatedEndpoint,
        summary="Enregistrer un point d'accès / register an endpoint",
        description=SIGNATURE_HELP,
    )
    async def register(who: Caller, new: NewEndpoint) -> CreatedEndpoint:
        try:
            made = await hooks.register(who.unlocked.account.id, new.url)
        except (TargetRefused, TooManyEndpoints) as refused:
            raise HTTPException(422, str(refused)) from None
        endpoint = made.endpoint
        return CreatedEndpoint(
            id=endpoint.id, url=endpoint.url, created_at=endpoint.created_at, secret=made.secret
        )

    @router.get(
        "", response_model=list[EndpointOut], summary="Points d'accès / registered endpoints"
    )
    async def listing(who: Caller) -> list[EndpointOut]:
        return [
            EndpointOut(id=e.id, url=e.url, created_at=e.created_at)
            for e in await hooks.endpoints(who.unlocked.account.id)
        ]

    @router.delete("/{endpoint_id}", status_code=204, summary="Supprimer un point d'accès / remove")
    async def remove(who: Caller, endpoint_id: str) -> Response:
        if not await hooks.remove(who.unlocked.account.id, endpoint_id[:40]):
            raise HTTPException(404, "point d'accès inconnu / unknown endpoint")
        return Response(status_code=204)

    @router.get(
        "/{endpoint_id}/deliveries",
        response_model=list[DeliveryOut],
        summary="Journal des envois / delivery log (newest first)",
    )
    async def log(who: Caller, endpoint_id: str) -> list[DeliveryOut]:
        rows = await hooks.deliveries(who.unlocked.account.id, endpoint_id[:40])
        if rows is None:
            raise HTTPException(404, "point d'accès inconnu / unknown endpoint")
        return [
            DeliveryOut(
                id=row.public_id,
                event_type=row.event_type,
                state=row.state,
                attempts=row.attempts,
                last_status=row.last_status,
                last_error=row.last_error,
                created_at=row.created_at,
                next_attempt_at=row.next_at if row.state == "pending" else None,
                finished_at=row.finished_at,
            )
            for row in rows
        ]

    return router
