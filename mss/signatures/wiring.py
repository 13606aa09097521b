"""Building the signature service from a runtime's parts, on first use: pyHanko's stack and the
signing keys are loaded only by a process that handles signatures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from directory.service import DirectoryService
from mss.signatures.pki import SigningAuthority
from mss.signatures.ports import SignedCopyFiler
from mss.signatures.reminders import SignatureReminders
from mss.signatures.service import SignatureService
from mss.signatures.timestamping import timestamper
from mss.store.signature_reminder_sql import SqlSignatureReminderStore
from mss.store.signature_sql import SqlSignatureStore
from mss.webhooks.signature_events import SignatureEvents

RPPS_TYPE = "8"

if TYPE_CHECKING:
    from mss.runtime import Runtime


def build_signature_service(
    runtime: Runtime, filer: SignedCopyFiler | None = None
) -> SignatureService:
    settings = runtime.settings
    authority = SigningAuthority(settings.data_path(Path("keys")), settings.hostname)
    scheme = "https" if settings.listen.web_tls else "http"
    web_url = settings.signatures.web_url or (
        f"{scheme}://{settings.hostname}:{settings.listen.web_port}"
    )
    return SignatureService(
        SqlSignatureStore(runtime.database, runtime.store.committer),
        runtime.store,
        runtime.submission,
        runtime.inbound,
        authority,
        timestamper(authority, settings.signatures.tsa_url),
        web_url,
        filer,
        observer=SignatureEvents(runtime.webhooks, runtime.store),
        reminders=reminders(runtime),
        registry=DirectoryRegistry(runtime.directory),
    )


class DirectoryRegistry:
    """A professional's RPPS from the national directory's entry for their mailbox: the
    identifier of type 8 (DOMAIN.md); ADELI numbers (type 0) are not RPPS numbers."""

    def __init__(self, directory: DirectoryService) -> None:
        self._directory = directory

    async def rpps_of(self, address: str) -> str | None:
        entry = await self._directory.resolve(address)
        practitioner = entry.practitioner if entry is not None else None
        if practitioner is None or practitioner.id_type != RPPS_TYPE:
            return None
        return practitioner.id_value


def reminders(runtime: Runtime) -> SignatureReminders:
    """Scheduled by the service, sent by the periodic worker (mss/signatures/expiry.py)."""
    return SignatureReminders(
        SqlSignatureReminderStore(runtime.database, runtime.store.committer),
        runtime.queue.key,
        runtime.store,
        runtime.inbound,
    )
