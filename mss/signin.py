"""The one sign-in: every protocol (IMAP, SMTP, CalDAV, the webmail) unlocks an account here,
under the one throttle, so a rule that holds for one holds for all.

The rule of the second factor: an account that has turned on TOTP accepts its password only in
the webmail, which then asks for the code; mail and calendar clients, which cannot ask for a
code, must use an app password. A refused password looks exactly like a wrong one, so the reply
never tells a guesser that the password was right.

The rule of known devices: the blocks per source and per (source, account) must not lock the
owner out when a guesser shares the owner's address (one NAT for a whole practice). A device
that signed in before is exempt from both: on the web, the front end says so (a signed device
cookie, verified in webmail/security/devices.py); a mail client proves it with its app password
itself, which is random and far too long to guess, so a blocked source may still sign in with
one, and only with one (a password from a blocked source on IMAP/SMTP/CalDAV is refused like a
throttled one, whether or not it is right). Failures of known devices still count, and still
wait the growing delay per account.

The rule of credential generations: every unlocked account carries the generation it signed in
under (mss/generations.py), read before the secret is checked, so that a sign-in racing a
revocation records the generation the revocation then bumps; :meth:`SignInService.end_sessions`
bumps it, and every front end asks :meth:`SignInService.still_valid` before each command (IMAP
also while idling).
"""

from __future__ import annotations

import dataclasses
import enum
import logging
from typing import Protocol

from crypto.tokens import normalise
from mss.accounts import AccountService, AuthenticationFailed, UnlockedAccount
from mss.generations import CredentialGenerations
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
        self,
        accounts: AccountService,
        throttle: AuthThrottle,
        second_factor: SecondFactor,
        generations: CredentialGenerations,
    ) -> None:
        self._accounts = accounts
        self._throttle = throttle
        self._second_factor = second_factor
        self._generations = generations

    @property
    def generations(self) -> CredentialGenerations:
        """Shared with a second SignInService over the same runtime (tests)."""
        return self._generations

    @property
    def throttle(self) -> AuthThrottle:
        """For the webmail's TOTP step, which counts wrong codes like wrong passwords."""
        return self._throttle

    async def sign_in(
        self,
        address: str,
        secret: str,
        peer: str,
        channel: Channel,
        known_device: bool = False,
    ) -> UnlockedAccount:
        """Unlock ``address`` with ``secret`` from ``peer``; raise :class:`Throttled` or
        :class:`AuthenticationFailed`. ``known_device``: the front end verified that this
        device signed in to this account before (see the module's rule)."""
        blocked = self._throttle.blocked(peer, address)
        app_password_shaped = channel is not Channel.WEB and normalise(secret) is not None
        if blocked and not (known_device or app_password_shaped):
            raise Throttled
        # Read before the secret is checked (module docstring); -1 for an unknown address
        # costs the same query and matches no row.
        generation = await self._generations.fresh(await self._accounts.id_of(address) or -1)
        try:
            unlocked = await self._accounts.authenticate(address, secret)
            await self._check_channel(unlocked, channel)
        except AuthenticationFailed:
            await self._throttle.failed(peer, address)
            raise
        if blocked and not known_device and unlocked.via is not CredentialKind.APP_PASSWORD:
            raise Throttled
        if not blocked:  # a known device's success must not lift the guesser's block
            self._throttle.succeeded(peer, address)
        return dataclasses.replace(unlocked, generation=generation)

    async def still_valid(self, unlocked: UnlockedAccount) -> bool:
        """False once the account's credentials changed under this session: it must end."""
        return unlocked.generation >= await self._generations.current(unlocked.account.id)

    async def end_sessions(self, unlocked: UnlockedAccount) -> UnlockedAccount:
        """End every session of the account opened until now, on every protocol and in every
        process; the caller's own session continues with the returned (current) generation."""
        generation = await self._generations.bump(unlocked.account.id)
        return dataclasses.replace(unlocked, generation=generation)

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
