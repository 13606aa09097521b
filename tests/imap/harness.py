"""The running server a transcript test talks to, and the account it logs in as."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, replace

from mss.delivery import deliver
from mss.imap.session.server import ImapService
from mss.imap.session.settings import ImapSettings
from mss.runtime import Runtime
from mss.store.records import Account, Appended

from .wire import Wire

DOMAIN = "hopital.example"
USER = f"jeanne@{DOMAIN}"
PASSWORD = "correct horse battery"


@dataclass
class Harness:
    """The running server, its account and how to reach it."""

    service: ImapService
    runtime: Runtime
    account: Account
    client_tls: ssl.SSLContext

    @property
    def port(self) -> int:
        return self.service.ports["imap"]

    @property
    def tls_port(self) -> int:
        return self.service.ports["imaps"]

    async def deliver(
        self,
        raw: bytes,
        mailbox: str = "INBOX",
        flags: tuple[str, ...] = (),
        *,
        recent: bool = False,
    ) -> Appended:
        """Deliver as SMTP does, through the one write path.

        Unless ``recent``, the message is then claimed as if another session had already been
        told of it (RFC 3501 §2.3.2), so that transcripts not about \\Recent stay free of it.
        """
        appended = await deliver(self.runtime.store, self.account, mailbox, raw, flags)
        if not recent:
            await self.runtime.store.claim_recent(appended.mailbox_id, appended.uid)
        return appended

    @property
    def settings(self) -> ImapSettings:
        return self.service.services.settings

    def use(self, settings: ImapSettings) -> None:
        """Serve connections opened from now on with ``settings``."""
        self.service.services = replace(self.service.services, settings=settings)

    async def uidvalidity(self, mailbox: str) -> int:
        """The UIDVALIDITY of one of the account's mailboxes."""
        found = await self.runtime.store.get_mailbox(self.account.id, mailbox)
        assert found is not None
        return found.uidvalidity

    async def wire(self) -> Wire:
        """A logged-in connection over implicit TLS."""
        wire = await Wire.open(self.tls_port, self.client_tls)
        await wire.line()
        lines = await wire.command(f'L1 LOGIN {USER} "{PASSWORD}"'.encode())
        assert lines[-1].startswith(b"L1 OK")
        return wire


def quick_settings(runtime: Runtime) -> ImapSettings:
    """Production settings; the runtime's test settings already set no auth failure delay."""
    return ImapSettings.from_settings(runtime.settings)
