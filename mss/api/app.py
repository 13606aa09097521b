"""The establishments' REST API under /api/v1: keys as Bearer credentials, one route to send
documents to patients or professionals as IHE XDM.

Each request unlocks the key's account in memory (mss/api/service.py) for its duration and sends
through the one sending path (``SubmissionService.submit``) as that account. Errors: 401 for a
missing, unknown or revoked key; 403 for a key without the route's scope; 429 over the key's
request rate; 422 for metadata the server cannot send.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Protocol

from fastapi import Depends, FastAPI, File, Form, Header, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, ValidationError

from crypto import AccountKeys
from crypto.session import open_from_account, seal_to_account
from crypto.tags import keyed_tag
from mss.accounts import UnlockedAccount
from mss.api.keys import KeyRateLimit
from mss.api.message import ApiMessage, build_mail
from mss.api.service import ApiCaller, ApiKeyRefused, ApiKeyService
from mss.api.signature_routes import SignatureApi, signature_routes
from mss.api.webhook_routes import WebhookApi, webhook_routes
from mss.policy import PolicyError
from mss.receipts.tracking import RecipientStatus as TrackedRecipient
from mss.store.api_repository import Claim
from mss.store.clock import now as store_now
from mss.store.records import Account
from mss.submission import Envelope, Recipient, SubmitResult
from mss.webhooks.events import envelope_subject, message_subject
from mss.xdm.package import XdmBuildError, XdmDocument

MAX_DOCUMENTS = 20
MAX_RECIPIENTS = 50
INS_PATTERN = r"^[12][0-9]{2}[0-9]{2}(2A|2B|[0-9]{2})[0-9]{6}[0-9]{2}$"


class Submitter(Protocol):
    async def submit(
        self, sender: UnlockedAccount, envelope: Envelope, raw: bytes
    ) -> SubmitResult: ...


class MessageStore(Protocol):
    async def add(self, account_id: int, public_id: str, sealed: bytes, now: int) -> None: ...

    async def sealed(self, account_id: int, public_id: str) -> bytes | None: ...

    async def queue_states(self, account_id: int, public_id: str) -> dict[str, str]: ...


class RequestStore(Protocol):
    async def claim(self, account_id: int, tag: bytes, now: int) -> Claim: ...

    async def answer(self, tag: bytes, sealed: bytes) -> None: ...

    async def release(self, tag: bytes) -> None: ...


class EventSink(Protocol):
    """The webhooks' side of a send (mss/webhooks/service.py)."""

    async def watch(self, subject: str, owner_id: int, reference: dict[str, Any]) -> None: ...

    async def emit(self, owner_id: int, event_type: str, data: dict[str, Any]) -> int: ...


class TrackingReader(Protocol):
    async def status(
        self, keys: AccountKeys, account: Account, message_id: str
    ) -> list[TrackedRecipient]: ...


@dataclass(frozen=True)
class ApiParts:
    """What the API needs from the core, as narrow interfaces."""

    keys: ApiKeyService
    limit: KeyRateLimit
    requests: RequestStore
    messages: MessageStore
    submission: Submitter
    server_secret: bytes
    hostname: str
    max_document_bytes: int
    webhooks: WebhookApi | None = None
    signatures: Callable[[], SignatureApi] | None = None
    events: EventSink | None = None
    tracking: TrackingReader | None = None


class DocumentMeta(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    type_code: str = Field(min_length=1, max_length=64, description="Code LOINC / LOINC code")
    type_label: str = Field(min_length=1, max_length=200, description="Libellé / label")
    author: str = Field(default="", max_length=200)


class MessageMeta(BaseModel):
    recipients: list[str] = Field(min_length=1, max_length=MAX_RECIPIENTS)
    subject: str = Field(min_length=1, max_length=250)
    body: str = Field(default="", max_length=100_000)
    patient_ins: str = Field(pattern=INS_PATTERN, description="INS (NIR) du patient")
    documents: list[DocumentMeta] = Field(
        min_length=1, max_length=MAX_DOCUMENTS, description="Une entrée par fichier, dans l'ordre"
    )


class Sent(BaseModel):
    id: str = Field(description="Identifiant pour le suivi (aussi l'ENVID) / id for the status")
    message_id: str = Field(description="Message-ID")
    delivered: list[str]
    queued: list[str]


class RecipientStatus(BaseModel):
    address: str
    status: str = Field(
        description="delivered (remis ici / delivered here), pending (en file / queued), "
        "failed (échec / failed), relayed (sorti de la file / left the queue), "
        "processed (reçu par sa messagerie / received by their mail system), "
        "displayed (lu / read), deleted (supprimé sans être lu / deleted unread)"
    )
    times: dict[str, int] = Field(
        default_factory=dict,
        description="Quand chaque état a été atteint (secondes Unix) / when each state was reached",
    )


class Status(BaseModel):
    id: str
    message_id: str
    recipients: list[RecipientStatus]


EXAMPLES = {
    "fr": {
        "summary": "Compte rendu pour une patiente",
        "value": {
            "recipients": ["jeanne.martin@patient.example"],
            "subject": "Vos résultats d'analyses",
            "body": "Madame, veuillez trouver vos résultats ci-joints.",
            "patient_ins": "279035121518989",
            "documents": [
                {
                    "title": "Bilan sanguin",
                    "type_code": "11502-2",
                    "type_label": "CR d'examens biologiques",
                }
            ],
        },
    },
    "en": {
        "summary": "A report for a patient",
        "value": {
            "recipients": ["jeanne.martin@patient.example"],
            "subject": "Your laboratory results",
            "body": "Please find your results attached.",
            "patient_ins": "279035121518989",
            "documents": [
                {"title": "Blood test", "type_code": "11502-2", "type_label": "Laboratory report"}
            ],
        },
    },
}

_bearer = HTTPBearer(auto_error=False, description="Clé d'API / API key: `mss_…`")


def _problem(status: int, detail: str, headers: dict[str, str] | None = None) -> HTTPException:
    return HTTPException(status_code=status, detail=detail, headers=headers)


def caller_with(scope: str) -> Callable[..., Awaitable[ApiCaller]]:
    """The dependency that lets in a live key holding ``scope``: 401, then 429, then 403."""

    async def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> ApiCaller:
        parts: ApiParts = request.app.state.parts
        try:
            caller = await parts.keys.authenticate(credentials.credentials if credentials else None)
        except ApiKeyRefused as refused:
            raise _problem(401, str(refused), {"WWW-Authenticate": "Bearer"}) from None
        if not parts.limit.allow(caller.lookup):
            raise _problem(429, "trop de requêtes / too many requests", {"Retry-After": "60"})
        if scope not in caller.scopes:
            raise _problem(403, f"la clé n'a pas le droit « {scope} » / key lacks scope {scope}")
        return caller

    return dependency


_SENDER = caller_with("send")
_READER = caller_with("status")


def create_api(parts: ApiParts) -> FastAPI:
    """The /api/v1 application; mounted by the web server so its OpenAPI is /api/v1/openapi.json."""
    api = FastAPI(
        title="MSS — API des établissements / establishments' API",
        version="1",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    api.state.parts = parts
    if parts.webhooks is not None:
        api.include_router(webhook_routes(parts.webhooks, caller_with("webhooks")))
    if parts.signatures is not None:
        api.include_router(
            signature_routes(
                parts.signatures, parts.requests, parts.server_secret, _SENDER, _READER
            )
        )

    @api.post(
        "/messages",
        status_code=201,
        response_model=Sent,
        summary="Envoyer des documents (IHE XDM) / send documents (IHE XDM)",
        openapi_extra={
            "requestBody": {
                "content": {
                    "multipart/form-data": {
                        "encoding": {"metadata": {"contentType": "application/json"}},
                        "examples": {
                            language: {
                                "summary": example["summary"],
                                "value": {
                                    "metadata": json.dumps(example["value"], ensure_ascii=False)
                                },
                            }
                            for language, example in EXAMPLES.items()
                        },
                    }
                }
            }
        },
    )
    async def send(
        caller: Annotated[ApiCaller, Depends(_SENDER)],
        metadata: Annotated[
            str,
            Form(
                description="JSON : destinataires, objet, corps, INS, documents / JSON metadata",
            ),
        ],
        documents: Annotated[list[UploadFile], File(description="Documents (PDF, CDA)")],
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> JSONResponse:
        meta = _metadata(metadata, len(documents))
        files = [await _read(upload, parts.max_document_bytes) for upload in documents]
        account = caller.unlocked.account
        message = ApiMessage(
            tuple(meta.recipients),
            meta.subject,
            meta.body,
            meta.patient_ins,
            tuple(
                XdmDocument(
                    content,
                    content_type,
                    d.title,
                    d.type_code,
                    d.type_label,
                    datetime.now(UTC),
                    d.author,
                )
                for d, (content, content_type) in zip(meta.documents, files, strict=True)
            ),
        )
        tag = None
        if idempotency_key:
            tag = keyed_tag(
                parts.server_secret,
                b"api-idempotency",
                str(account.id).encode(),
                idempotency_key.encode(),
            )
            claim = await parts.requests.claim(account.id, tag, store_now())
            if not claim.fresh:
                if claim.answer is None:
                    raise _problem(409, "requête identique en cours / same request in progress")
                first = open_from_account(claim.answer, caller.unlocked.keys)
                return JSONResponse(json.loads(first), status_code=201)
        try:
            message_id, raw = build_mail(account, message, parts.hostname)
            public_id = secrets.token_hex(16)
            recipients = tuple(Recipient(r) for r in meta.recipients)
            envelope = Envelope(account.address, recipients, env_id=public_id)
            if parts.events is not None:
                # Before sending: a local recipient's receipt arrives during the submission.
                await _watch(parts.events, account.id, message_id, public_id)
            result = await parts.submission.submit(caller.unlocked, envelope, raw)
        except (PolicyError, XdmBuildError, ValueError) as error:
            if tag is not None:
                await parts.requests.release(tag)
            raise _problem(422, str(error)) from None
        answer = Sent(
            id=public_id, message_id=message_id, delivered=result.delivered, queued=result.queued
        )
        body = answer.model_dump_json().encode()
        sealed = seal_to_account(body, account.encryption_key)
        await parts.messages.add(account.id, public_id, sealed, store_now())
        if tag is not None:
            await parts.requests.answer(tag, sealed)
        if parts.events is not None:
            for address in result.delivered:
                data = {"message_id": public_id, "recipient": address}
                await parts.events.emit(account.id, "message.delivered", data)
        return JSONResponse(json.loads(body), status_code=201)

    @api.get(
        "/messages/{message_id}",
        response_model=Status,
        summary="Suivi d'un envoi / status of a sent message",
    )
    async def status(caller: Annotated[ApiCaller, Depends(_READER)], message_id: str) -> Status:
        account = caller.unlocked.account
        sealed = await parts.messages.sealed(account.id, message_id[:40])
        if sealed is None:
            raise _problem(404, "envoi inconnu / unknown message")
        sent = Sent.model_validate_json(open_from_account(sealed, caller.unlocked.keys))
        queued = await parts.messages.queue_states(account.id, sent.id)
        recipients = [RecipientStatus(address=a, status="delivered") for a in sent.delivered]
        recipients += [
            RecipientStatus(address=a, status=queued.get(a, "relayed")) for a in sent.queued
        ]
        if parts.tracking is not None:
            reports = await parts.tracking.status(caller.unlocked.keys, account, sent.message_id)
            recipients = _with_reports(recipients, {r.address: r for r in reports})
        return Status(id=sent.id, message_id=sent.message_id, recipients=recipients)

    return api


async def _watch(events: EventSink, owner_id: int, message_id: str, public_id: str) -> None:
    """Receipts name the Message-ID (RFC 8098 §3.2.5), delivery reports the ENVID (RFC 3461
    §4.4), replies the Message-ID in In-Reply-To or References (RFC 5322 §3.6.4)."""
    reference = {"message_id": public_id}
    await events.watch(message_subject(message_id), owner_id, reference)
    await events.watch(envelope_subject(public_id), owner_id, reference)


def _with_reports(
    recipients: list[RecipientStatus], reports: dict[str, TrackedRecipient]
) -> list[RecipientStatus]:
    """A receipt or delivery report tells more than the queue: "failed" from the queue stays,
    and so does the queue's own state until a report arrives; otherwise the furthest state
    reported wins (mss/receipts/tracking.py)."""
    merged = []
    for recipient in recipients:
        report = reports.get(recipient.address.lower())
        if report is None or report.state == "queued" or recipient.status == "failed":
            merged.append(recipient)
        else:
            merged.append(
                RecipientStatus(address=recipient.address, status=report.state, times=report.times)
            )
    return merged


def _metadata(text: str, count: int) -> MessageMeta:
    try:
        meta = MessageMeta.model_validate_json(text)
    except ValidationError as error:
        raise _problem(
            422, f"métadonnées invalides / invalid metadata: {error.errors(include_url=False)}"
        ) from None
    if len(meta.documents) != count:
        raise _problem(
            422, "une entrée de métadonnées par document / one metadata entry per document"
        )
    return meta


async def _read(upload: UploadFile, limit: int) -> tuple[bytes, str]:
    content = await upload.read(limit + 1)
    if len(content) > limit:
        raise _problem(413, "document trop volumineux / document too large")
    kind = (upload.content_type or "application/octet-stream").split(";")[0].strip().lower()
    if kind not in {"application/pdf", "text/xml", "application/xml", "application/hl7-v3+xml"}:
        raise _problem(415, f"type de document non pris en charge / unsupported type: {kind}")
    # The declared type must match the bytes: the patient's viewer trusts the package's type.
    looks_right = (
        content.startswith(b"%PDF-")
        if kind == "application/pdf"
        else content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    )
    if not looks_right:
        raise _problem(415, f"le contenu n'est pas du type {kind} / content is not {kind}")
    return content, kind
