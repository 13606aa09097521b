"""Assembling the server's parts from one :class:`~mss.config.Settings`.

Every front-end (CLI, SMTP, IMAP, web) receives this object instead of building its own pieces,
so there is exactly one store, one change feed, one queue and one policy per process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from crypto import Argon2Params
from crypto.queuekey import load_or_create_queue_key
from directory.model import AddressKind
from directory.service import DirectoryService
from mss.accounts import AccountService, Publisher
from mss.api.service import ApiKeyService
from mss.calendar.service import CalendarService
from mss.config import Settings
from mss.correspondents import CorrespondentBook
from mss.generations import CredentialGenerations
from mss.inbound import InboundMessage, InboundService
from mss.metrics.counters import Metrics
from mss.metrics.delivered import DeliveryCount
from mss.metrics.tally import NO_TALLY
from mss.policy import Policy, SenderKind
from mss.queue import OutboundQueue
from mss.ratelimit import AuthThrottle
from mss.receipts.processed import ProcessedReceipts
from mss.receipts.tracking import Tracking
from mss.serverkey import load_or_create_secret
from mss.signin import SignInService, TotpPresence
from mss.store.api_repository import SqlApiKeyStore
from mss.store.calendar_repository import SqlCalendarStore
from mss.store.changes import ChangeFeed
from mss.store.database import Database, open_database
from mss.store.generation_sql import SqlGenerationStore
from mss.store.queue_repository import SqlQueueStore
from mss.store.receipt_repository import SqlReceiptLedger
from mss.store.records import Account
from mss.store.repository import SqlStore
from mss.store.tracking_sql import SqlTrackingStore
from mss.store.trust_sql import SqlTrustStore
from mss.store.vault_repository import SqlVaultStore
from mss.store.webhook_sql import SqlWebhookStore
from mss.store.webmail_repository import SqlWebmailStore
from mss.submission import SubmissionService
from mss.trust import TrustRegistry
from mss.vault.service import VaultService
from mss.vault.xdm_import import XdmErrorHook, XdmImport
from mss.webhooks.events import MessageEvents
from mss.webhooks.service import WebhookService

if TYPE_CHECKING:
    from mss.signatures.service import SignatureService

ARGON2_LEVELS = {
    "minimum": Argon2Params.minimum,
    "interactive": Argon2Params.interactive,
    "moderate": Argon2Params.moderate,
}


@dataclass(slots=True)
class Runtime:
    settings: Settings
    database: Database
    feed: ChangeFeed
    store: SqlStore
    accounts: AccountService
    trust: TrustRegistry
    queue: OutboundQueue
    policy: Policy
    inbound: InboundService
    submission: SubmissionService
    directory: DirectoryService
    calendar: CalendarService
    signin: SignInService
    api_keys: SqlApiKeyStore
    vault: VaultService
    xdm_import: XdmImport
    api: ApiKeyService
    webhooks: WebhookService
    tracking: Tracking
    _signatures: SignatureService | None = None
    metrics: Metrics = field(default_factory=Metrics)

    def signatures(self) -> SignatureService:
        """Built on first use: only a process that handles signatures loads pyHanko."""
        if self._signatures is None:
            from mss.signatures.wiring import build_signature_service

            self._signatures = build_signature_service(self, self.vault)
        return self._signatures

    @classmethod
    async def open(cls, settings: Settings) -> Runtime:
        metrics = Metrics()
        database = open_database(settings.effective_database_url)
        feed = make_feed(database)
        await feed.start()
        store = SqlStore(database, feed)
        accounts = AccountService(
            store,
            ARGON2_LEVELS[settings.security.argon2](),
            settings.security.unlock_concurrency,
        )
        trust = TrustRegistry(settings, SqlTrustStore(database, store.committer))
        queue = OutboundQueue(
            SqlQueueStore(database, store.committer),
            load_or_create_queue_key(settings.data_path(settings.queue.key)),
            queued=metrics.queued,
        )
        server_secret = load_or_create_secret(settings.data_path(settings.security.server_key))
        correspondents = CorrespondentBook(store, server_secret)
        # The directory shares the writer engine: on SQLite it must respect the single writer.
        directory = DirectoryService(database.writer, ())
        accounts.add_publisher(_publisher(directory))
        policy = Policy(store, trust, correspondents, DirectoryClassifier(directory))
        inbound = InboundService(store, policy)
        tracking = Tracking(SqlTrackingStore(database, store.committer), store, server_secret)
        submission = SubmissionService(store, policy, queue, inbound, tracking)
        calendar = CalendarService(
            SqlCalendarStore(database, store.committer),
            submission,
            server_secret,
            queue.key,
            settings.hostname,
        )
        inbound.add_observer(calendar)
        vault = VaultService(
            SqlVaultStore(database, store.committer),
            server_secret,
        )
        receipts = ProcessedReceipts(
            submission,
            SqlReceiptLedger(database, store.committer),
            policy,
            server_secret,
            settings.hostname,
        )
        xdm_import = XdmImport(vault, on_error=_error_receipt(receipts))
        # Filing first: a package that cannot be integrated gets the error form, not "processed".
        inbound.add_observer(xdm_import)
        inbound.add_observer(receipts)
        signin = SignInService(
            accounts,
            auth_throttle(settings, metrics),
            TotpPresence(SqlWebmailStore(database, store.committer)),
            CredentialGenerations(SqlGenerationStore(database, store.committer), feed),
        )
        api_keys = SqlApiKeyStore(database, store.committer)
        webhooks = WebhookService(
            SqlWebhookStore(database, store.committer),
            queue.key,
            server_secret,
            settings.webhooks.allow_private_targets,
        )
        inbound.add_observer(MessageEvents(webhooks))
        inbound.add_observer(tracking)
        inbound.add_observer(DeliveryCount(metrics))
        return cls(
            settings,
            database,
            feed,
            store,
            accounts,
            trust,
            queue,
            policy,
            inbound,
            submission,
            directory,
            calendar,
            signin,
            api_keys,
            vault,
            xdm_import,
            ApiKeyService(
                api_keys,
                store,
                server_secret,
            ),
            webhooks,
            tracking,
            metrics=metrics,
        )

    async def close(self) -> None:
        await self.store.close()
        await self.feed.stop()
        await self.database.dispose()


XDM_REFUSED = "XDM"
"""The code of the error receipt for a package that could not be filed (the guide's
``<code>^<libellé>``; the label is the French reason)."""


def _error_receipt(receipts: ProcessedReceipts) -> XdmErrorHook:
    async def hook(message: InboundMessage, reason: str) -> None:
        await receipts.integration_failed(message, XDM_REFUSED, reason)

    return hook


def auth_throttle(settings: Settings, metrics: Metrics | None = None) -> AuthThrottle:
    """The one throttle of the process: failures count across every protocol."""
    limits = settings.limits
    return AuthThrottle(
        limits.auth_failures_per_ip,
        limits.auth_failures_per_account,
        limits.auth_failure_window_seconds,
        limits.auth_failure_delay_seconds,
        failures=metrics.signin_failures if metrics else NO_TALLY,
        refusals=metrics.signin_throttled if metrics else NO_TALLY,
    )


def _publisher(directory: DirectoryService) -> Publisher:
    """Local accounts appear in the directory with their public keys as soon as created."""

    async def publish(account: Account) -> None:
        await directory.publish_local_account(
            account.address,
            account.kind.value,
            account.display_name or account.address,
            account.encryption_key,
            account.signing_key,
        )

    return publish


class DirectoryClassifier:
    """The policy's view of the directory: who is behind another operator's address."""

    _KINDS: ClassVar[dict[AddressKind, SenderKind]] = {
        AddressKind.PROFESSIONAL: SenderKind.PROFESSIONAL,
        AddressKind.ORGANISATION: SenderKind.ORGANISATION,
        AddressKind.APPLICATION: SenderKind.APPLICATION,
        AddressKind.PATIENT: SenderKind.PATIENT,
    }

    def __init__(self, directory: DirectoryService) -> None:
        self._directory = directory

    async def kind_of(self, address: str) -> SenderKind | None:
        return self._KINDS.get(await self._directory.classify(address))


def make_feed(database: Database) -> ChangeFeed:
    if database.is_postgres:
        from mss.store.pgnotify import PostgresChangeFeed

        return PostgresChangeFeed(database.url)
    return ChangeFeed()
