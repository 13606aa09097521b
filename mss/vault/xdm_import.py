"""XDM in: documents of an IHE_XDM.ZIP received by a patient, filed in the patient's vault.

An inbound observer (``mss.inbound``): the message is already committed, so a package that cannot
be integrated loses no mail; it files nothing and goes to the error hook, with a French reason,
which the receipts work turns into the error MDN (DOMAIN.md, "Documents sent to patients: IHE
XDM"). Each package is read whole and checked (``mss.xdm.unpack``) before the first document is
filed, and every document must name the recipient's INS: a package for another patient is
refused. Unpacking runs in a worker thread, so a large package never stalls the event loop.
Documents are sealed to the patient's public key, as delivery holds no private key.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import time
from collections.abc import Awaitable, Callable
from email.errors import HeaderParseError
from email.header import decode_header, make_header

from mss.inbound import InboundMessage
from mss.mime import decoded_body
from mss.mime.sections import attachments, find_part
from mss.store.records import AccountKind
from mss.vault.kinds import loinc_kind
from mss.vault.model import DocumentMeta, DocumentSource
from mss.vault.service import MAX_TITLE, VaultService
from mss.xdm.unpack import ImportedDocument, XdmLimits, XdmRejected, read_package

log = logging.getLogger(__name__)

PACKAGE_NAME = "IHE_XDM.ZIP"

XdmErrorHook = Callable[[InboundMessage, str], Awaitable[None]]
"""Called once per refused package with the message and the French reason."""


def _header_text(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(make_header(decode_header(value)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return value


def _filename(document: ImportedDocument) -> str:
    stem = "".join(ch for ch in document.title if ch.isalnum() or ch in " -_").strip()[:80]
    extension = mimetypes.guess_extension(document.mime_type) or ""
    if document.mime_type in ("text/xml", "application/xml"):
        extension = ".xml"
    return f"{stem or 'document'}{extension}"


class XdmImport:
    name = "xdm-import"

    def __init__(
        self,
        vault: VaultService,
        on_error: XdmErrorHook | None = None,
        limits: XdmLimits | None = None,
    ) -> None:
        self._vault = vault
        self._on_error = on_error
        self._limits = limits or XdmLimits()

    def set_error_hook(self, hook: XdmErrorHook) -> None:
        """Where refused packages are reported (the receipts' error MDN)."""
        self._on_error = hook

    async def delivered(self, message: InboundMessage) -> None:
        if message.recipient.kind is not AccountKind.PATIENT:
            return
        for package in self._packages(message):
            try:
                documents = await asyncio.to_thread(read_package, package, self._limits)
                self._check_patient(message, documents)
            except XdmRejected as refused:
                log.warning(
                    "XDM package refused for uid %s: %s", message.stored.uid, refused.reason
                )
                if self._on_error is not None:
                    await self._on_error(message, refused.reason)
                continue
            for document in documents:
                meta = self._meta(message, document)
                await self._vault.file(message.recipient, meta, document.content)

    def _packages(self, message: InboundMessage) -> list[bytes]:
        found = []
        for attachment in attachments(message.parsed):
            if (attachment.filename or "").upper() != PACKAGE_NAME:
                continue
            part = find_part(message.parsed, attachment.path)
            if part is not None:
                found.append(decoded_body(message.raw, part))
        return found

    @staticmethod
    def _check_patient(message: InboundMessage, documents: list[ImportedDocument]) -> None:
        ins = message.recipient.address.split("@", 1)[0]
        if any(document.ins != ins for document in documents):
            raise XdmRejected("le paquet concerne un autre patient que le destinataire")

    @staticmethod
    def _meta(message: InboundMessage, document: ImportedDocument) -> DocumentMeta:
        envelope = message.parsed.envelope
        filename = _filename(document)
        doc_type, label = loinc_kind(document.type_code, document.type_label, filename)
        created = document.created
        return DocumentMeta(
            title=(document.title.strip() or filename)[:MAX_TITLE],
            doc_type=doc_type,
            filename=filename,
            content_type=document.mime_type,
            document_date=int(created.timestamp() if created else time.time()),
            source=DocumentSource(
                kind="xdm",
                sender=message.sender,
                subject=_header_text(envelope.subject),
                message_id=envelope.message_id or "",
            ),
            type_code=document.type_code,
            type_label=label,
            author=document.author,
        )
