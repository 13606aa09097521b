"""Which URLs the server may call, checked when an endpoint is registered and again before
every request (a name may point elsewhere by then).

A webhook makes the server send requests where an API client says: without this check a key
holder could reach the operator's own services (databases, metadata endpoints, the admin port)
from inside. Only ``https`` to public addresses is allowed; ``allow_private`` (development and
tests only) also allows plain ``http`` and loopback, private, link-local and reserved ranges. The
request then goes to the very address that was checked (the URL's host kept for ``Host`` and
TLS SNI), so a name that resolves differently a moment later cannot slip past.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL = 2000


class TargetRefused(ValueError):
    """Not a URL the server will call."""


@dataclass(frozen=True, slots=True)
class Target:
    """A checked destination: connect to ``address``, present ``host``."""

    url: str
    host: str
    address: str

    def pinned_url(self) -> str:
        """The URL with its host replaced by the checked address (brackets for IPv6)."""
        parts = urlsplit(self.url)
        literal = f"[{self.address}]" if ":" in self.address else self.address
        netloc = literal if parts.port is None else f"{literal}:{parts.port}"
        return parts._replace(netloc=netloc).geturl()


def check_url(url: str, allow_private: bool) -> tuple[str, str]:
    """Syntax only: (scheme, host) of an acceptable URL, or :class:`TargetRefused`."""
    if len(url) > MAX_URL or any(c.isspace() or not c.isprintable() for c in url):
        raise TargetRefused("URL trop longue ou invalide / URL too long or invalid")
    parts = urlsplit(url)
    allowed = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in allowed:
        raise TargetRefused("seul https est accepté / only https is accepted")
    if parts.username or parts.password:
        raise TargetRefused("pas d'identifiants dans l'URL / no credentials in the URL")
    try:
        port = parts.port
    except ValueError:
        raise TargetRefused("port invalide / invalid port") from None
    if not parts.hostname or (port is not None and not 0 < port < 65536):
        raise TargetRefused("hôte absent ou port invalide / missing host or invalid port")
    return parts.scheme, parts.hostname


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def resolve(url: str, allow_private: bool) -> Target:
    """Check ``url`` and every address its host resolves to; the first one is called."""
    scheme, host = check_url(url, allow_private)
    port = urlsplit(url).port or (443 if scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise TargetRefused(f"hôte introuvable / unknown host: {host}") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise TargetRefused(f"hôte introuvable / unknown host: {host}")
    if not allow_private and not all(is_public(a) for a in addresses):
        raise TargetRefused("adresse privée ou locale refusée / private or local address refused")
    return Target(url, host, addresses[0])
