"""The SMTP listeners of ``mss serve``: MX (STARTTLS), submission (STARTTLS), submissions
(implicit TLS, RFC 8314).

Implementation notes. One aiosmtpd protocol object per connection, all on the process's event
loop. The MX's TLS context trusts the certificates of the trust list so that peers can present
client certificates; it is rebuilt when the trust list changes (checked every few seconds), so
`mss trust add` takes effect without a restart. On the implicit-TLS port, aiosmtpd does not see
the TLS layer and would never offer AUTH (its issue #281): that listener sets
``auth_require_tls=False``, which is safe because every byte on it is already encrypted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import warnings
from collections.abc import Callable
from typing import Any, Protocol

from mss.config import Settings
from mss.metrics.tally import NO_TALLY, Level
from mss.smtp.guard import ConnectionLimiter
from mss.smtp.mx import MxHandler
from mss.smtp.protocol import Bounds, MssSMTP
from mss.smtp.submission_handler import SubmissionHandler
from mss.tls import server_context, tls_files

TRUST_REFRESH_SECONDS = 5.0


class ClientCertificates(Protocol):
    async def ca_pems(self) -> list[bytes]: ...


class SmtpService:
    name = "smtp"

    def __init__(
        self,
        settings: Settings,
        mx: MxHandler,
        submission: SubmissionHandler,
        trust: ClientCertificates,
        *,
        connections: Level = NO_TALLY,
    ) -> None:
        self._settings = settings
        self._mx = mx
        self._submission = submission
        self._trust = trust
        self._files = tls_files(settings)
        self._plain_context = server_context(self._files)
        self._mx_context = self._plain_context
        self._mx_pems: list[bytes] = []
        self._servers: dict[str, asyncio.Server] = {}
        smtp = settings.smtp
        self._bounds = Bounds(
            ConnectionLimiter(smtp.max_connections_per_ip, smtp.max_connections),
            smtp.max_errors,
            smtp.data_timeout_seconds,
            connections,
            smtp.data_min_rate,
        )
        self._refresher: asyncio.Task[None] | None = None

    @property
    def ports(self) -> dict[str, int]:
        return {name: server.sockets[0].getsockname()[1] for name, server in self._servers.items()}

    async def start(self) -> None:
        # aiosmtpd logs a deprecation notice on every login and a TLS notice per implicit-TLS
        # connection (both about its own internals): keep only its errors.
        logging.getLogger("mail.log").setLevel(logging.ERROR)
        await self._refresh_trust()
        self._refresher = asyncio.create_task(self._keep_trust_fresh(), name="smtp-trust")
        listen = self._settings.listen
        limits = self._settings.limits
        common: dict[str, Any] = {
            "hostname": self._settings.hostname,
            "data_size_limit": limits.max_message_bytes,
            "enable_SMTPUTF8": True,
            "decode_data": False,
            "timeout": self._settings.smtp.command_timeout_seconds,
            "bounds": self._bounds,
        }

        def mx() -> MssSMTP:
            return MssSMTP(self._mx, tls_context=self._mx_context, require_starttls=True, **common)

        def submission() -> MssSMTP:
            return MssSMTP(
                self._submission,
                tls_context=self._plain_context,
                require_starttls=True,
                auth_required=True,
                auth_require_tls=True,
                **common,
            )

        def submissions() -> MssSMTP:
            # aiosmtpd warns that AUTH without required TLS is unsafe; here the listener's
            # socket is TLS from the first byte, which aiosmtpd cannot see (see notes above).
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
                return MssSMTP(
                    self._submission, auth_required=True, auth_require_tls=False, **common
                )

        enabled = self._settings.services
        if enabled.mx:
            await self._listen("mx", mx, listen.mx_port, None)
        if enabled.submission:
            await self._listen("submission", submission, listen.submission_port, None)
            await self._listen(
                "submissions", submissions, listen.submissions_port, self._plain_context
            )

    async def _listen(
        self, name: str, factory: Callable[[], MssSMTP], port: int, tls: ssl.SSLContext | None
    ) -> None:
        loop = asyncio.get_running_loop()
        listen = self._settings.listen
        self._servers[name] = await loop.create_server(
            factory, listen.host, port, ssl=tls, reuse_port=listen.reuse_port or None
        )

    async def refresh_trust(self) -> None:
        """Pick up trust-list changes now rather than at the next periodic check."""
        await self._refresh_trust()

    async def _refresh_trust(self) -> None:
        pems = await self._trust.ca_pems()
        if pems != self._mx_pems:
            self._mx_context = server_context(self._files, pems)
            self._mx_pems = pems

    async def _keep_trust_fresh(self) -> None:
        while True:
            await asyncio.sleep(TRUST_REFRESH_SECONDS)
            await self._refresh_trust()

    async def stop(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
        for server in self._servers.values():
            server.close()
        for server in self._servers.values():
            await server.wait_closed()
        self._servers.clear()

    def describe(self) -> list[str]:
        host = self._settings.listen.host
        return [f"{name} on {host}:{port}" for name, port in self.ports.items()]
