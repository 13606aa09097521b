"""The one sign-in: every protocol (IMAP, SMTP, CalDAV, the webmail) unlocks an account here,
under the one throttle, so a rule that holds for one holds for all.

The rule of the second factor: an account that has turned on TOTP accepts its password only in
the webmail, which then asks for the code; mail and calendar clients, which cannot ask for a
code, must use an app password. A refused password looks exactly like a wrong one, so the reply
never tells a guesser that the password was right.
"""

from __future__ import annotations

import enum
import logging
from typing import Protocol

from mss.accounts import AccountService, AuthenticationFailed, UnlockedAccount
from mss.ratelimit import AuthThrottle
from mss.store.records import CredentialKind

log = logging.getLogger(__name__)


class Channel(enum.StrEnum):
    WEB = "web"
    IMAP = "imap"
    SMTP = "smtp"
    DAV = "dav"


class Throttled(AuthenticationFailed):
    """Too many failures from this source (for this account): nothing was tried."""


class SecondFactor(Protocol):
    async def enabled(self, account_id: int) -> bool: ...


class SignInService:
    def __init__(
        self, accounts: AccountService, throttle: AuthThrottle, second_factor: SecondFactor
    ) -> None:
        self._accounts = accounts
        self._throttle = throttle
        self._second_factor = second_factor

    @property
    def throttle(self) -> AuthThrottle:
        """For the webmail's TOTP step, which counts wrong codes like wrong passwords."""
        return self._throttle

    async def sign_in(
        self, address: str, secret: str, peer: str, channel: Channel
    ) -> UnlockedAccount:
        """Unlock ``address`` with ``secret`` from ``peer``; raise :class:`Throttled` or
        :class:`AuthenticationFailed`."""
        if self._throttle.blocked(peer, address):
            raise Throttled
        try:
            unlocked = await self._accounts.authenticate(address, secret)
            await self._check_channel(unlocked, channel)
        except AuthenticationFailed:
            await self._throttle.failed(peer, address)
            raise
        self._throttle.succeeded(peer, address)
        return unlocked

    async def _check_channel(self, unlocked: UnlockedAccount, channel: Channel) -> None:
        if channel is Channel.WEB:
            if unlocked.via is CredentialKind.APP_PASSWORD:
                raise AuthenticationFailed  # an app password is for one mail client only
            return
        if unlocked.via is CredentialKind.APP_PASSWORD:
            return
        if await self._second_factor.enabled(unlocked.account.id):
            log.info(
                "%s: password refused on %s: the account uses a second factor",
                unlocked.account.address,
                channel,
            )
            raise AuthenticationFailed


class TotpPresence:
    """The second factor as the sign-in needs it: whether the account has one."""

    def __init__(self, store: TotpRecords) -> None:
        self._store = store

    async def enabled(self, account_id: int) -> bool:
        return await self._store.get_totp(account_id) is not None


class TotpRecords(Protocol):
    async def get_totp(self, account_id: int) -> object | None: ...
