"""Where a whitelisted domain receives mail: its MX hosts in the order RFC 5321 §5.1 sets.

MX records are sorted by preference, hosts of equal preference in random order; a domain
without MX records (but existing) is its own implicit MX of preference 0; a domain that does not
exist, or publishes the null MX of RFC 7505 (one record, exchange "."), accepts no mail, which is
a permanent failure. Each host's addresses come from the same resolver (A, then AAAA), so a test
or an operator can point the whole lookup at one resolver (``trust_space.dns_servers``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import dns.asyncresolver
import dns.exception
import dns.name
import dns.rdatatype
import dns.resolver

LOOKUP_SECONDS = 10.0


class NoMailService(Exception):
    """The domain does not exist or says it accepts no mail (permanent)."""


class LookupFailed(Exception):
    """DNS gave no usable answer now (transient)."""


@dataclass(frozen=True, slots=True)
class MxHost:
    name: str
    addresses: tuple[str, ...]


class MxResolver:
    def __init__(
        self, servers: tuple[str, ...] = (), port: int = 53, lifetime: float = LOOKUP_SECONDS
    ) -> None:
        self._resolver = dns.asyncresolver.Resolver(configure=not servers)
        if servers:
            self._resolver.nameservers = list(servers)
            self._resolver.port = port
        self._resolver.lifetime = lifetime

    async def hosts(self, domain: str) -> list[MxHost]:
        """The MX hosts of ``domain`` with their addresses, in the order to try them."""
        try:
            answer = await self._resolver.resolve(domain, dns.rdatatype.MX, search=False)
        except dns.resolver.NXDOMAIN as exc:
            raise NoMailService(f"the domain {domain} does not exist in the DNS") from exc
        except dns.resolver.NoAnswer:
            names = [domain]  # RFC 5321 §5.1: the implicit MX
        except dns.exception.DNSException as exc:
            raise LookupFailed(f"MX lookup for {domain} failed: {exc}") from exc
        else:
            records = sorted(answer, key=lambda r: (r.preference, random.random()))
            if len(records) == 1 and records[0].exchange == dns.name.root:
                raise NoMailService(f"{domain} publishes a null MX: it accepts no mail (RFC 7505)")
            names = [r.exchange.to_text(omit_final_dot=True) for r in records]
        hosts = []
        for name in names:
            addresses = await self._addresses(name)
            if addresses:
                hosts.append(MxHost(name, addresses))
        if not hosts:
            raise LookupFailed(f"no address found for the MX hosts of {domain}: {names}")
        return hosts

    async def _addresses(self, name: str) -> tuple[str, ...]:
        found: list[str] = []
        for kind in (dns.rdatatype.A, dns.rdatatype.AAAA):
            try:
                answer = await self._resolver.resolve(name, kind, search=False)
            except dns.exception.DNSException:
                continue
            found += [record.address for record in answer]
        return tuple(found)
