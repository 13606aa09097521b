"""The trust space: which other operators we exchange mail with, where their MX is, and which
certificate identifies them (DESIGN.md "Policy of the trust space").

Peers come from two places: ``[[trust]]`` in the configuration file (read-only here) and the
``trusted_peers`` table (``mss trust add``), merged with the file winning on a shared domain. The
merged list is cached for :data:`CACHE_SECONDS`, so a peer added by the command line reaches a
running server within seconds, without a restart, and the MX does not query the database on
every connection.

Identity is checked by :func:`peer_certificate_matches`: the certificate a peer presents must be
the configured one, or be issued directly by it (an operator may configure its CA instead of
its server certificate).
"""

from __future__ import annotations

import asyncio
import datetime
import time
from dataclasses import dataclass
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from mss.addresses import normalise_domain
from mss.config import ConfigError, Settings
from mss.store.errors import Conflict
from mss.store.trust_sql import SqlTrustStore

CACHE_SECONDS = 5.0
Source = Literal["config", "database"]


@dataclass(frozen=True, slots=True)
class Peer:
    """A trusted operator: its mail domain, its MX, and the PEM that identifies it."""

    domain: str
    host: str
    port: int
    pem: bytes
    source: Source


def load_certificates(pem: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle; ``ValueError`` if there is none."""
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise ValueError("not a PEM certificate (expected -----BEGIN CERTIFICATE-----)") from exc
    return certificates


def peer_certificate_matches(peer_der: bytes, configured_pem: bytes) -> bool:
    """True when the peer's certificate (DER) is one of ``configured_pem`` or directly issued by
    one of them, and is valid now. Chains longer than one link are not followed, on purpose."""
    try:
        presented = x509.load_der_x509_certificate(peer_der)
        configured = load_certificates(configured_pem)
    except ValueError:
        return False
    moment = datetime.datetime.now(datetime.UTC)
    if not presented.not_valid_before_utc <= moment <= presented.not_valid_after_utc:
        return False
    for certificate in configured:
        if certificate == presented:
            return True
        try:
            presented.verify_directly_issued_by(certificate)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return True
    return False


class TrustRegistry:
    def __init__(
        self, settings: Settings, store: SqlTrustStore, cache_seconds: float = CACHE_SECONDS
    ) -> None:
        self._settings = settings
        self._store = store
        self._cache_seconds = cache_seconds
        self._cached: dict[str, Peer] | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def get(self, domain: str) -> Peer | None:
        try:
            name = normalise_domain(domain)
        except ValueError:
            return None
        return (await self._peers()).get(name)

    async def all(self) -> list[Peer]:
        peers = await self._peers()
        return [peers[name] for name in sorted(peers)]

    async def add(self, domain: str, host: str, port: int, pem: bytes) -> Peer:
        """Trust a new operator (the table; the file is edited by hand)."""
        name = normalise_domain(domain)
        if self.configured(name):
            raise Conflict(f"{name} is configured in the configuration file: change it there")
        if not host or any(char.isspace() for char in host):
            raise ValueError(f"{host!r} is not a host name")
        if not 1 <= port <= 65535:
            raise ValueError(f"port {port} is not between 1 and 65535")
        load_certificates(pem)
        stored = await self._store.add_peer(name, host, port, pem)
        self._cached = None
        return Peer(stored.domain, stored.host, stored.port, stored.pem, "database")

    async def remove(self, domain: str) -> None:
        name = normalise_domain(domain)
        if self.configured(name):
            raise Conflict(f"{name} is configured in the configuration file: change it there")
        await self._store.remove_peer(name)
        self._cached = None

    def configured(self, domain: str) -> bool:
        """True when ``domain`` (normalised) comes from the configuration file."""
        return any(
            peer.domain.strip().rstrip(".").lower() == domain for peer in self._settings.trust
        )

    # What the SMTP front-ends ask (policy, MX mutual TLS, the MX's TLS context) --------------

    async def is_trusted(self, domain: str) -> bool:
        return await self.get(domain) is not None

    async def certificate_matches(self, domain: str, certificate: bytes) -> bool:
        peer = await self.get(domain)
        return peer is not None and peer_certificate_matches(certificate, peer.pem)

    async def any_certificate_matches(self, certificate: bytes) -> bool:
        return any(peer_certificate_matches(certificate, p.pem) for p in await self.all())

    async def ca_pems(self) -> list[bytes]:
        return [peer.pem for peer in await self.all()]

    # Loading -------------------------------------------------------------------------------

    async def _peers(self) -> dict[str, Peer]:
        if self._cached is not None and time.monotonic() < self._expires:
            return self._cached
        async with self._lock:
            if self._cached is None or time.monotonic() >= self._expires:
                peers = {p.domain: p for p in await self._from_database()}
                peers.update((p.domain, p) for p in self._from_config())
                self._cached, self._expires = peers, time.monotonic() + self._cache_seconds
            return self._cached

    async def _from_database(self) -> list[Peer]:
        return [
            Peer(stored.domain, stored.host, stored.port, stored.pem, "database")
            for stored in await self._store.list_peers()
        ]

    def _from_config(self) -> list[Peer]:
        peers = []
        for index, configured in enumerate(self._settings.trust):
            path = self._settings.data_path(configured.cert)
            where = f"trust[{index}] ({configured.domain}): certificate {path}"
            try:
                pem = path.read_bytes()
                load_certificates(pem)
                domain = normalise_domain(configured.domain)
            except (OSError, ValueError) as exc:
                raise ConfigError(f"{where}: {exc}") from exc
            peers.append(Peer(domain, configured.host, configured.port, pem, "config"))
        return peers
