"""Everything the webmail's routes share, assembled once per application from the runtime."""

from __future__ import annotations

from dataclasses import dataclass

from mss.accounts import AccountService
from mss.correspondents import CorrespondentBook
from mss.ratelimit import AuthThrottle
from mss.receipts.displayed import DisplayedReceipts
from mss.runtime import Runtime
from mss.serverkey import load_or_create_secret
from mss.signin import SignInService
from mss.store.receipt_repository import SqlReceiptLedger
from mss.store.repository import SqlStore
from mss.store.webmail_repository import SqlWebmailStore
from mss.vault.service import VaultService
from webmail.mail.actions import MailActions
from webmail.mail.professionals import ProfessionalBook
from webmail.mail.reader import MailReader
from webmail.mail.rowcache import RowCache
from webmail.security.devices import DeviceCookies
from webmail.security.sessions import SessionManager
from webmail.security.totp import TotpManager
from webmail.settings import WebSettings


@dataclass(frozen=True, slots=True)
class WebState:
    runtime: Runtime
    settings: WebSettings
    store: SqlStore
    accounts: AccountService
    sessions: SessionManager
    totp: TotpManager
    signin: SignInService
    throttle: AuthThrottle
    """The sign-in's own, for the TOTP step: wrong codes count like wrong passwords."""
    reader: MailReader
    actions: MailActions
    vault: VaultService
    receipts: DisplayedReceipts
    professionals: ProfessionalBook
    devices: DeviceCookies

    @classmethod
    def build(cls, runtime: Runtime, settings: WebSettings) -> WebState:
        store = runtime.store
        web = SqlWebmailStore(runtime.database, store.committer)
        vault = runtime.vault
        reader = MailReader(store, RowCache())
        secret = load_or_create_secret(
            runtime.settings.data_path(runtime.settings.security.server_key)
        )
        return cls(
            runtime=runtime,
            settings=settings,
            store=store,
            accounts=runtime.accounts,
            sessions=SessionManager(web, settings),
            totp=TotpManager(web),
            signin=runtime.signin,
            throttle=runtime.signin.throttle,
            reader=reader,
            actions=MailActions(
                store, reader, runtime.submission, vault, runtime.settings.limits.max_message_bytes
            ),
            vault=vault,
            receipts=DisplayedReceipts(
                SqlReceiptLedger(runtime.database, store.committer),
                store,
                runtime.submission,
                secret,
                runtime.settings.hostname,
            ),
            professionals=ProfessionalBook(reader, CorrespondentBook(store, secret)),
            devices=DeviceCookies(secret),
        )
