"""Signature requests from the organisation's request to the signed PDF in every hand.

The service runs each act in the session of the person who acts: the organisation (its keys
unlocked by the API or the webmail) creates and cancels; a signer (unlocked by the webmail,
after re-authenticating) views, signs or declines. Only a participant's keys open a request, so
"not yours" and "does not exist" look the same. PDF work runs on a thread; every write is a
compare-and-set on the request's revision, retried from the fresh state when two signers of a
parallel request act at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from pyhanko.sign.timestamps import TimeStamper

from crypto import ContentKey, new_content_key
from mss.accounts import UnlockedAccount
from mss.policy import SenderKind
from mss.signatures import audit, document, messages
from mss.signatures.audit import AuditEvent, EventKind
from mss.signatures.evidence import Evidence, make_evidence
from mss.signatures.expiry import expire_due
from mss.signatures.lifecycle import NotAllowed, Request, RequestState, Signer, SignerState
from mss.signatures.pdfcheck import check_pdf, pdf_file_name
from mss.signatures.pki import SignerIdentity, SigningAuthority
from mss.signatures.ports import (
    CONSENT,
    MAX_NOTE,
    MAX_REASON,
    MAX_SIGNERS,
    MAX_TITLE,
    AccountLookup,
    Actor,
    NewSignatureRequest,
    OpenedRequest,
    Receiver,
    ReminderScheduler,
    Sender,
    SignatureObserver,
    SignatureStore,
    SignedCopyFiler,
    SignerRegistry,
    SignerView,
    UnknownRequest,
    UnknownSigner,
)
from mss.signatures.sealing import (
    NotParticipant,
    open_body,
    open_document,
    open_for,
    seal_body,
    seal_document,
    seal_for,
)
from mss.store.records import Account, AccountKind
from mss.store.signature_records import SignatureRow
from mss.submission import Envelope, Recipient

_RETRIES = 5


@dataclass(slots=True)
class _Loaded:
    row: SignatureRow
    key: ContentKey
    body: dict[str, Any]
    pdf: bytes
    request: Request
    notices: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


class SignatureService:
    def __init__(
        self,
        store: SignatureStore,
        accounts: AccountLookup,
        sender: Sender,
        receiver: Receiver,
        authority: SigningAuthority,
        stamper: TimeStamper,
        base_url: str,
        filer: SignedCopyFiler | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        observer: SignatureObserver | None = None,
        reminders: ReminderScheduler | None = None,
        registry: SignerRegistry | None = None,
    ) -> None:
        self._store = store
        self._accounts = accounts
        self._sender = sender
        self._receiver = receiver
        self._authority = authority
        self._stamper = stamper
        self._registry = registry
        self._base_url = base_url.rstrip("/")
        self._filer = filer
        self._clock = clock
        self._observer = observer
        self._reminders = reminders

    def link(self, request_id: str) -> str:
        return f"{self._base_url}/signatures/{request_id}"

    async def create(self, actor: Actor, new: NewSignatureRequest) -> OpenedRequest:
        organisation = actor.who.account
        title = new.title.strip()[:MAX_TITLE] or "Document"
        now = self._clock()
        if new.expires_at <= now:
            raise ValueError("the deadline is already past")
        if not 0 < len(new.signers) <= MAX_SIGNERS:
            raise ValueError(f"a request names between 1 and {MAX_SIGNERS} signers")
        signers = [await self._signer_account(address) for address in new.signers]
        for account in signers:
            await self._sender.check_recipient(organisation, account.address)
        await asyncio.to_thread(check_pdf, new.pdf)
        certified = await asyncio.to_thread(self._certified, new, title)
        request = Request.new([a.address for a in signers], new.ordered, new.expires_at)
        trail: list[AuditEvent] = []
        for account, signer in zip(signers, request.signers, strict=True):
            if signer.state is SignerState.SENT:
                trail = audit.append(trail, EventKind.SENT, _who(account), at=now)
        body = {
            "title": title,
            "note": new.note.strip()[:MAX_NOTE],
            "filename": pdf_file_name(new.filename),
            "created_at": now.isoformat(),
            "organisation": {"address": organisation.address, "name": organisation.display_name},
            "signers": [{"address": a.address, "name": a.display_name} for a in signers],
            "certified_sha256": hashlib.sha256(certified).hexdigest(),
            "trail": [asdict(event) for event in trail],
            "evidence": [],
            "decline_reason": "",
        }
        public_id = os.urandom(16)
        key = new_content_key()
        participants = [organisation.encryption_key, *(a.encryption_key for a in signers)]
        row = SignatureRow(
            public_id,
            request.state.value,
            tuple(s.state.value for s in request.signers),
            request.ordered,
            int(new.expires_at.timestamp()),
            0,
            seal_body(key, public_id, 0, body),
            seal_document(key, public_id, 0, certified),
            seal_for(key, participants),
        )
        await self._store.add(row)
        loaded = _Loaded(row, key, body, certified, request)
        for account, signer in zip(signers, request.signers, strict=True):
            if signer.state is SignerState.SENT:
                raw = self._invitation(loaded, account)
                envelope = Envelope(organisation.address, (Recipient(account.address),))
                await self._sender.submit(actor.who, envelope, raw)
        if self._reminders is not None and new.reminder_days:
            await self._schedule_reminders(loaded, signers, new.reminder_days, now)
        opened = _opened(loaded)
        if self._observer is not None:
            await self._observer.changed(opened, None)
        return opened

    async def _schedule_reminders(
        self, loaded: _Loaded, signers: list[Account], days: Sequence[int], now: datetime
    ) -> None:
        """Reminder dates before the deadline; each signer's message is written now."""
        assert self._reminders is not None
        expires_at = loaded.request.expires_at
        dates = [now + timedelta(days=d) for d in days if d > 0]
        request_id = loaded.row.public_id.hex()
        notes = [
            (
                account.address,
                messages.reminder(
                    _organisation(loaded),
                    messages.Party(account.address, account.display_name),
                    request_id,
                    loaded.body["title"],
                    self.link(request_id),
                    expires_at,
                ),
            )
            for account in signers
        ]
        organisation = loaded.body["organisation"]["address"]
        await self._reminders.schedule(
            loaded.row.public_id, organisation, [d for d in dates if d < expires_at], notes
        )

    async def open(self, request_id: str, who: UnlockedAccount) -> OpenedRequest:
        return _opened(await self._load(request_id, who))

    async def viewed(self, request_id: str, actor: Actor) -> OpenedRequest:
        """The signer reached the end of the document: signing is allowed from now on."""
        address = actor.who.account.address

        def change(loaded: _Loaded, now: datetime) -> bool:
            index = loaded.request.may_act(address, now)
            if loaded.request.signers[index].state is SignerState.VIEWED:
                return False
            loaded.request = loaded.request.viewed(address, now)
            _record(loaded, EventKind.VIEWED, _who(actor.who.account), actor, now)
            return True

        return await self._change(request_id, actor.who, change)

    async def sign(self, request_id: str, actor: Actor, consent: str) -> OpenedRequest:
        """The act of signing; the caller has just re-authenticated the signer."""
        if consent != CONSENT:
            raise NotAllowed("the consent text was not accepted as shown")
        account = actor.who.account
        rpps = await self._rpps(account)

        def change(loaded: _Loaded, now: datetime) -> bool:
            before = loaded.request
            loaded.request = before.signed(account.address, now)
            index = before.index_of(account.address)
            read = hashlib.sha256(loaded.pdf).hexdigest()
            proof = make_evidence(actor.who.keys, account.address, read, consent, now.isoformat())
            loaded.body["evidence"].append(proof.to_json())
            loaded.pdf = self._sign_pdf(loaded.pdf, index, account, rpps)
            _record(loaded, EventKind.SIGNED, _who(account), actor, now)
            if loaded.request.state is RequestState.COMPLETED:
                self._complete(loaded, now)
            else:
                self._announce_turns(loaded, before, now)
            return True

        return await self._change(request_id, actor.who, change)

    async def decline(self, request_id: str, actor: Actor, reason: str) -> OpenedRequest:
        account = actor.who.account
        reason = reason.strip()[:MAX_REASON]

        def change(loaded: _Loaded, now: datetime) -> bool:
            loaded.request = loaded.request.declined(account.address, now)
            loaded.body["decline_reason"] = reason
            _record(loaded, EventKind.DECLINED, _who(account), actor, now, reason)
            text = f"{_who(account)} a refusé de signer le document « {loaded.body['title']} »." + (
                f"\n\nMotif indiqué : {reason}" if reason else ""
            )
            self._notify_all(loaded, f"Signature refusée : {loaded.body['title']}", text, ())
            return True

        return await self._change(request_id, actor.who, change)

    async def cancel(self, request_id: str, actor: Actor) -> OpenedRequest:
        account = actor.who.account

        def change(loaded: _Loaded, now: datetime) -> bool:
            if loaded.body["organisation"]["address"].lower() != account.address.lower():
                raise NotAllowed("only the organisation that sent the request may cancel it")
            loaded.request = loaded.request.cancelled(now)
            _record(loaded, EventKind.CANCELLED, _who(account), actor, now)
            text = f"La demande de signature « {loaded.body['title']} » a été annulée."
            self._notify_all(loaded, f"Demande annulée : {loaded.body['title']}", text, ())
            return True

        return await self._change(request_id, actor.who, change)

    async def expire_due(self) -> int:
        return await expire_due(self._store, self._clock())

    async def _signer_account(self, address: str) -> Account:
        account = await self._accounts.get_account(address.strip().lower())
        if account is None or account.disabled:
            raise UnknownSigner(f"{address} is not an account of this server")
        return account

    def _certified(self, new: NewSignatureRequest, title: str) -> bytes:
        placements = list(
            new.placements or document.automatic_placements(new.pdf, len(new.signers))
        )
        if len(placements) != len(new.signers):
            raise ValueError("give one placement per signer, or none for automatic placement")
        prepared = document.prepare(new.pdf, title, placements)
        return document.certify(prepared, self._authority.operator, None, self._stamper)

    async def _rpps(self, account: Account) -> str | None:
        if self._registry is None or account.kind is not AccountKind.PROFESSIONAL:
            return None
        return await self._registry.rpps_of(account.address)

    def _sign_pdf(self, pdf: bytes, index: int, account: Account, rpps: str | None) -> bytes:
        name = account.display_name or account.address
        issued = self._authority.issue_for(SignerIdentity(name, account.address, rpps))
        stamp = f"Signé électroniquement par {name}\n{account.address}"
        return document.sign(pdf, index, issued, None, self._stamper, stamp)

    def _complete(self, loaded: _Loaded, now: datetime) -> None:
        _record(loaded, EventKind.COMPLETED, _signer_names(loaded), None, now)
        trail = audit.from_json_items(loaded.body["trail"])
        page = audit.render(trail, loaded.body["certified_sha256"])
        loaded.pdf = document.finalise(
            loaded.pdf, self._authority.operator, None, self._stamper, page
        )
        title = loaded.body["title"]
        signed = messages.Attachment(loaded.body["filename"], loaded.pdf, "application", "pdf")
        evidence = messages.Attachment(
            "preuves.json",
            ("[" + ",".join(loaded.body["evidence"]) + "]").encode(),
            "application",
            "json",
        )
        text = f"Toutes les signatures du document « {title} » ont été recueillies."
        self._notify_all(loaded, f"Document signé : {title}", text, (signed, evidence))
        if self._filer is not None:
            filer = self._filer
            pdf, filename = loaded.pdf, loaded.body["filename"]
            for item in loaded.body["signers"]:

                async def file(address: str = item["address"]) -> None:
                    owner = await self._accounts.get_account(address)
                    if owner is not None and owner.kind is AccountKind.PATIENT:
                        await filer.file_signed(owner, pdf, title, filename)

                loaded.notices.append(file)

    def _announce_turns(self, loaded: _Loaded, before: Request, now: datetime) -> None:
        """In an ordered request, the next signer is told when their turn comes."""
        for index, (old, new) in enumerate(
            zip(before.signers, loaded.request.signers, strict=True)
        ):
            if old.state is SignerState.WAITING and new.state is SignerState.SENT:
                address = loaded.body["signers"][index]["address"]

                async def invite(address: str = address) -> None:
                    account = await self._signer_account(address)
                    await self._deliver(loaded, account, self._invitation(loaded, account))

                who = f"{loaded.body['signers'][index]['name']} <{address}>"
                _record(loaded, EventKind.SENT, who, None, now)
                loaded.notices.append(invite)

    def _notify_all(
        self,
        loaded: _Loaded,
        subject: str,
        text: str,
        attachments: Sequence[messages.Attachment],
    ) -> None:
        organisation = loaded.body["organisation"]["address"]
        addresses = [organisation, *(s["address"] for s in loaded.body["signers"])]
        for address in addresses:

            async def notify(address: str = address) -> None:
                account = await self._accounts.get_account(address)
                if account is None:
                    return
                party = messages.Party(account.address, account.display_name)
                raw = messages.outcome(
                    _organisation(loaded),
                    party,
                    loaded.row.public_id.hex(),
                    subject,
                    text,
                    attachments,
                )
                await self._deliver(loaded, account, raw)

            loaded.notices.append(notify)

    async def _deliver(self, loaded: _Loaded, account: Account, raw: bytes) -> None:
        sender = loaded.body["organisation"]["address"]
        await self._receiver.receive(sender, SenderKind.ORGANISATION, account, raw)

    def _invitation(self, loaded: _Loaded, account: Account) -> bytes:
        request_id = loaded.row.public_id.hex()
        return messages.invitation(
            _organisation(loaded),
            messages.Party(account.address, account.display_name),
            request_id,
            loaded.body["title"],
            loaded.body["note"],
            self.link(request_id),
            loaded.request.expires_at,
        )

    async def _load(self, request_id: str, who: UnlockedAccount) -> _Loaded:
        try:
            public_id = bytes.fromhex(request_id)
        except ValueError:
            raise UnknownRequest from None
        row = await self._store.get(public_id)
        if row is None:
            raise UnknownRequest
        try:
            key = open_for(row.sealed_keys, who.keys)
        except NotParticipant:
            raise UnknownRequest from None
        body = open_body(key, public_id, row.revision, row.body)
        pdf = open_document(key, public_id, row.revision, row.document)
        signers = tuple(
            Signer(item["address"], SignerState(state))
            for item, state in zip(body["signers"], row.signer_states, strict=True)
        )
        expires_at = datetime.fromtimestamp(row.expires_at, UTC)
        request = Request(signers, row.ordered, expires_at, RequestState(row.state))
        return _Loaded(row, key, body, pdf, request)

    async def _change(
        self,
        request_id: str,
        who: UnlockedAccount,
        change: Callable[[_Loaded, datetime], bool],
    ) -> OpenedRequest:
        for _ in range(_RETRIES):
            loaded = await self._load(request_id, who)
            now = self._clock()
            changed = await asyncio.to_thread(change, loaded, now)
            if not changed:
                return _opened(loaded)
            revision = loaded.row.revision + 1
            public_id = loaded.row.public_id
            row = replace(
                loaded.row,
                state=loaded.request.state.value,
                signer_states=tuple(s.state.value for s in loaded.request.signers),
                revision=revision,
                body=seal_body(loaded.key, public_id, revision, loaded.body),
                document=seal_document(loaded.key, public_id, revision, loaded.pdf),
            )
            if await self._store.replace(row, loaded.row.revision, loaded.row.state):
                previous = tuple(SignerState(state) for state in loaded.row.signer_states)
                loaded.row = row
                for notice in loaded.notices:
                    await notice()
                opened = _opened(loaded)
                if self._observer is not None:
                    await self._observer.changed(opened, previous)
                return opened
        raise NotAllowed("the request changed too often; try again")


def _record(
    loaded: _Loaded,
    kind: EventKind,
    who: str,
    actor: Actor | None,
    now: datetime,
    detail: str = "",
) -> None:
    trail = audit.append(
        audit.from_json_items(loaded.body["trail"]),
        kind,
        who,
        at=now,
        ip=actor.ip if actor else "",
        user_agent=actor.user_agent if actor else "",
        detail=detail,
    )
    loaded.body["trail"] = [asdict(event) for event in trail]


def _who(account: Account) -> str:
    return (
        f"{account.display_name} <{account.address}>" if account.display_name else account.address
    )


def _signer_names(loaded: _Loaded) -> str:
    return ", ".join(s["name"] or s["address"] for s in loaded.body["signers"])


def _organisation(loaded: _Loaded) -> messages.Party:
    organisation = loaded.body["organisation"]
    return messages.Party(organisation["address"], organisation["name"])


def _opened(loaded: _Loaded) -> OpenedRequest:
    body = loaded.body
    signers = tuple(
        SignerView(item["address"], item["name"], signer.state)
        for item, signer in zip(body["signers"], loaded.request.signers, strict=True)
    )
    return OpenedRequest(
        loaded.row.public_id.hex(),
        body["title"],
        body["note"],
        body["filename"],
        body["organisation"]["address"],
        body["organisation"]["name"],
        loaded.request.state,
        loaded.request.expires_at,
        signers,
        loaded.pdf,
        tuple(audit.from_json_items(body["trail"])),
        tuple(Evidence.from_json(item) for item in body["evidence"]),
        body["decline_reason"],
    )
