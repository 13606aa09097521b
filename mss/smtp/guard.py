"""Bounds on what one SMTP client may cost: connections, errors and time.

RFC 5321 §4.5.3.2 sets the minimum timeouts a client must tolerate (5 minutes per command, 10
for the end of DATA); a server may be stricter with clients that stall, and an abusive one gets
``421`` (§3.8, §4.2.3: the server closes the transmission channel) rather than a silent close.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(slots=True)
class ConnectionLimiter:
    """Connections open now, per client address and in all, shared by a service's listeners."""

    per_ip: int
    total: int
    _by_ip: Counter[str] = field(default_factory=Counter)
    _open: int = 0

    def admit(self, ip: str) -> bool:
        if self._open >= self.total or self._by_ip[ip] >= self.per_ip:
            return False
        self._open += 1
        self._by_ip[ip] += 1
        return True

    def release(self, ip: str) -> None:
        self._open -= 1
        self._by_ip[ip] -= 1
        if self._by_ip[ip] <= 0:
            del self._by_ip[ip]

    @property
    def open(self) -> int:
        return self._open


def has_nul(data: bytes) -> bool:
    """RFC 5321 §4.1.1.4 and RFC 5322 §2.3: NUL is no part of a message's text; clients that
    send one confuse every later parser, so the message is refused whole."""
    return b"\x00" in data


def is_valid_utf8(text: str) -> bool:
    """aiosmtpd decodes arguments with ``surrogateescape``: bytes that were not UTF-8 come back
    as lone surrogates, which RFC 6531 §3.3 does not allow in an address."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
