"""Building the signature service from a runtime's parts, on first use: pyHanko's stack and the
signing keys are loaded only by a process that handles signatures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mss.signatures.pki import SigningAuthority
from mss.signatures.ports import SignedCopyFiler
from mss.signatures.reminders import SignatureReminders
from mss.signatures.service import SignatureService
from mss.signatures.timestamping import timestamper
from mss.store.signature_reminder_sql import SqlSignatureReminderStore
from mss.store.signature_sql import SqlSignatureStore
from mss.webhooks.signature_events import SignatureEvents

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
    )


def reminders(runtime: Runtime) -> SignatureReminders:
    """Scheduled by the service, sent by the periodic worker (mss/signatures/expiry.py)."""
    return SignatureReminders(
        SqlSignatureReminderStore(runtime.database, runtime.store.committer),
        runtime.queue.key,
        runtime.store,
        runtime.inbound,
    )
