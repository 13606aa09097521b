"""The IMAP server's own settings: timeouts and abuse limits, named beside their RFC rules.

They are derived from the project's one ``Settings`` where it has a value (message size) and
otherwise take the defaults below; tests pass their own. Authentication failures are counted
and delayed by the throttle shared with SMTP (``mss.ratelimit``), configured in ``[limits]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mss.config import Settings
from mss.imap.wire.framing import FramingLimits

# RFC 3501 §5.4: an autologout timer "MUST be of at least 30 minutes' duration".
AUTOLOGOUT_SECONDS = 30 * 60
# Before login nothing obliges the server to wait that long for a client to speak.
PREAUTH_TIMEOUT_SECONDS = 60.0
# RFC 2177 §3: IDLE clients re-issue IDLE every 29 minutes; a keep-alive well before NAT and
# firewall timeouts keeps the connection open meanwhile.
IDLE_KEEPALIVE_SECONDS = 120.0
# BAD replies tolerated before the connection is closed: a client that keeps sending garbage is
# broken or probing, and either way the conversation is over.
BAD_COMMAND_LIMIT = 20
# Failed LOGIN/AUTHENTICATE attempts on one connection before it is closed.
AUTH_FAILURE_LIMIT = 3
# RFC 2971 §3.3: an ID list holds at most 30 pairs, fields of 30 octets and values of 1024, so a
# valid ID sent as quoted strings (each octet possibly escaped) reaches about 64 KiB on one line.
ID_MAX_LINE = 30 * (2 * 30 + 2 * 1024 + 6) + 64
# Before login a command carries a user name and a password at most, or one ID list.
PREAUTH_LIMITS = FramingLimits(max_line=ID_MAX_LINE, max_literal=8192, max_command=ID_MAX_LINE)


@dataclass(frozen=True, slots=True)
class ImapSettings:
    """Everything tunable in the IMAP server, with production defaults."""

    hostname: str = "localhost"
    autologout_seconds: float = AUTOLOGOUT_SECONDS
    preauth_timeout_seconds: float = PREAUTH_TIMEOUT_SECONDS
    idle_keepalive_seconds: float = IDLE_KEEPALIVE_SECONDS
    bad_command_limit: int = BAD_COMMAND_LIMIT
    auth_failure_limit: int = AUTH_FAILURE_LIMIT
    preauth_limits: FramingLimits = PREAUTH_LIMITS
    limits: FramingLimits = field(default_factory=FramingLimits)

    @property
    def append_limit(self) -> int:
        """RFC 7889: the largest message APPEND accepts, advertised as APPENDLIMIT=n."""
        return self.limits.max_literal

    @classmethod
    def from_settings(cls, settings: Settings) -> ImapSettings:
        """The IMAP settings implied by the project's configuration (``replace`` for more)."""
        size = settings.limits.max_message_bytes
        imap = settings.imap
        return cls(
            hostname=settings.hostname,
            autologout_seconds=imap.autologout_seconds,
            preauth_timeout_seconds=imap.preauth_timeout_seconds,
            idle_keepalive_seconds=imap.idle_keepalive_seconds,
            bad_command_limit=imap.bad_command_limit,
            auth_failure_limit=imap.auth_failure_limit,
            limits=FramingLimits(max_literal=size, max_command=size + 64 * 1024),
        )
