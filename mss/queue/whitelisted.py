"""Relaying to a domain of the national whitelist that has no explicit peer.

Its MX hosts come from the DNS (mss/queue/mx.py); TLS is required (mss/queue/relay.py) and the
handshake verifies the host's certificate against the health PKI's CA bundle (the worker's
``peer_context`` with the bundle's PEM) and the MX host name. Once TLS is up, the certificate
is validated again with cryptography's RFC 5280 verifier (plus the CRLs, when configured) and
its subject DN must be one the whitelist allows for the domain: an MX certified by the PKI for
another operator is refused.
"""

from __future__ import annotations

from collections.abc import Callable

from mss.pki import CaBundle, PkiError, dn_key, verify_server
from mss.queue.mx import MxHost
from mss.trust import Whitelisted


def certificate_check(
    bundle: CaBundle, route: Whitelisted, host: MxHost
) -> Callable[[bytes], str | None]:
    """The post-handshake check of ``host``'s certificate for ``route``'s domain."""

    def check(der: bytes) -> str | None:
        try:
            subject = verify_server(bundle, der, host.name)
        except PkiError as exc:
            return f"{host.name}: {exc}"
        if dn_key(subject) not in route.dn_keys:
            return (
                f"{host.name} presented {subject.rfc4514_string()}, which the whitelist does "
                f"not allow for {route.domain}"
            )
        return None

    return check
