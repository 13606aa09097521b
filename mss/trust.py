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

Domains of the national whitelist (``mss trust import-whitelist``) are trusted too, with no
entry of their own: their peers are identified by the health PKI instead — full path
validation against ``trust_space.ca_bundle`` (mss/pki.py), and a subject DN that the whitelist
allows for that domain. A domain with an explicit peer is checked only against that peer's
PEM: explicit peers win.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import time
from dataclasses import dataclass
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from mss.addresses import normalise_domain
from mss.config import ConfigError, Settings
from mss.pki import CaBundle, PkiError, dn_key, load_bundle, verify_client
from mss.store.errors import Conflict
from mss.store.trust_sql import SqlTrustStore

log = logging.getLogger(__name__)

CACHE_SECONDS = 5.0
MAX_CACHED_DOMAINS = 10_000
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


@dataclass(frozen=True, slots=True)
class Whitelisted:
    """A domain of the national whitelist without explicit peer: reached through its MX
    records, identified by the health PKI and one of these canonical DNs."""

    domain: str
    dn_keys: frozenset[str]


class TrustRegistry:
    def __init__(
        self, settings: Settings, store: SqlTrustStore, cache_seconds: float = CACHE_SECONDS
    ) -> None:
        self._settings = settings
        self._store = store
        self._whitelist = store.whitelist
        self._cache_seconds = cache_seconds
        self._cached: dict[str, Peer] | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()
        self._dn_keys: dict[str, tuple[float, frozenset[str]]] = {}
        self._bundle: tuple[tuple[float, ...], CaBundle] | None = None

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
        return await self.route(domain) is not None

    async def route(self, domain: str) -> Peer | Whitelisted | None:
        """How to reach ``domain``: its explicit peer, else its whitelist entry, else None."""
        peer = await self.get(domain)
        if peer is not None:
            return peer
        try:
            name = normalise_domain(domain)
        except ValueError:
            return None
        keys = await self._whitelisted(name)
        return Whitelisted(name, keys) if keys else None

    async def certificate_matches(self, domain: str, certificate: bytes) -> bool:
        route = await self.route(domain)
        if isinstance(route, Peer):
            return peer_certificate_matches(certificate, route.pem)
        if route is None:
            return False
        key = self.validated_subject(certificate, domain)
        return key is not None and key in route.dn_keys

    async def any_certificate_matches(self, certificate: bytes) -> bool:
        if any(peer_certificate_matches(certificate, p.pem) for p in await self.all()):
            return True
        key = self.validated_subject(certificate, "a null sender")
        return key is not None and await self._whitelist.has_dn_key(key)

    async def ca_pems(self) -> list[bytes]:
        pems = [peer.pem for peer in await self.all()]
        bundle = self.bundle()
        return pems if bundle is None else [*pems, bundle.pem]

    def bundle(self) -> CaBundle | None:
        """The health PKI's CA bundle and CRLs, reread when one of their files changes."""
        space = self._settings.trust_space
        if space.ca_bundle is None:
            return None
        paths = [self._settings.data_path(p) for p in (space.ca_bundle, *space.crls)]
        try:
            stamp = tuple(path.stat().st_mtime for path in paths)
        except OSError:
            stamp = ()  # read below, which names the missing file
        if self._bundle is None or self._bundle[0] != stamp:
            try:
                loaded = load_bundle(paths[0], tuple(paths[1:]))
            except PkiError as exc:
                if self._bundle is None:
                    raise ConfigError(f"trust_space: {exc}") from exc
                # A file being replaced, or a bad update: keep what was valid, say so.
                log.error("trust_space: %s; keeping the CA bundle and CRLs read before", exc)
                return self._bundle[1]
            self._bundle = (stamp, loaded)
        return self._bundle[1]

    def validated_subject(self, certificate: bytes, domain: str) -> str | None:
        """The canonical DN of a client certificate that validates up to the CA bundle; None
        (and a log line saying why) when it does not, or when no bundle is configured."""
        try:
            bundle = self.bundle()
        except ConfigError as exc:
            log.error("certificate presented for %s refused: %s", domain, exc)
            return None
        if bundle is None:
            return None
        try:
            subject = verify_client(bundle, certificate)
        except PkiError as exc:
            log.info("certificate presented for %s refused: %s", domain, exc)
            return None
        return dn_key(subject)

    async def _whitelisted(self, domain: str) -> frozenset[str]:
        cached = self._dn_keys.get(domain)
        if cached is not None and time.monotonic() < cached[0]:
            return cached[1]
        keys = await self._whitelist.dn_keys(domain)
        if len(self._dn_keys) >= MAX_CACHED_DOMAINS:
            self._dn_keys.clear()  # senders' domains are chosen by strangers: bound the cache
        self._dn_keys[domain] = (time.monotonic() + self._cache_seconds, keys)
        return keys

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
