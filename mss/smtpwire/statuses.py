"""Reply classes and enhanced status codes: those the outbound queue acts on and reports, and the
default enhanced code of each basic reply code.

A client reads only the first digit of a reply (RFC 5321 §4.2.1): 2 the command succeeded, 4 a
transient failure worth retrying, 5 a permanent one. What the queue itself concludes (a refused
connection, an expired message) it states as RFC 3463 enhanced status codes, which end up in the
``Status`` field of the DSN (RFC 3464 §2.3.4).
"""

from __future__ import annotations

# RFC 5321 §4.2.1: the reply classes.
SUCCESS_CLASS = 2
TRANSIENT_CLASS = 4
PERMANENT_CLASS = 5

# RFC 3463 §3.1: generic codes of each class, used when a reply carries no enhanced code.
STATUS_SUCCESS = "2.0.0"
STATUS_TRANSIENT = "4.0.0"
STATUS_PERMANENT = "5.0.0"

# RFC 3463 §3.3: X.3.0 other or undefined mail system status (content that cannot be read).
STATUS_SYSTEM = "5.3.0"
# RFC 3463 §3.5: network and routing status.
STATUS_NO_ANSWER = "4.4.1"  # X.4.1 no answer from host (refused, unreachable)
STATUS_BAD_CONNECTION = "4.4.2"  # X.4.2 bad connection (dropped, timed out)
STATUS_NO_ROUTE = "5.4.4"  # X.4.4 unable to route (no trusted peer for the domain)
STATUS_DNS_FAILED = "4.4.3"  # X.4.3 directory server failure (MX lookup failed)
STATUS_EXPIRED = "4.4.7"  # X.4.7 delivery time expired
# RFC 3463 §3.7: X.6.7 non-ASCII addresses not permitted (peer lacks SMTPUTF8, RFC 6531 §3.2)
STATUS_NO_SMTPUTF8 = "5.6.7"
# RFC 3463 §3.9: security or policy status.
STATUS_SECURITY = "4.7.0"  # X.7.0 other security status (no STARTTLS offered)
STATUS_TLS_FAILED = "4.7.5"  # X.7.5 cryptographic failure (TLS handshake, certificate)


def reply_class(code: int) -> int:
    """The first digit of a reply code (RFC 5321 §4.2.1)."""
    return code // 100


def generic_status(code: int) -> str:
    """The RFC 3463 generic status matching a reply that has no enhanced code of its own."""
    if reply_class(code) == SUCCESS_CLASS:
        return STATUS_SUCCESS
    if reply_class(code) == PERMANENT_CLASS:
        return STATUS_PERMANENT
    return STATUS_TRANSIENT


# Enhanced codes the SMTP front end adds to aiosmtpd's own replies, by basic code
# (RFC 3463 §3, RFC 2034 §3).
DEFAULT_STATUS = {
    211: "2.0.0",
    214: "2.0.0",
    221: "2.0.0",
    235: "2.7.0",
    250: "2.0.0",
    251: "2.1.5",
    252: "2.0.0",
    421: "4.3.0",
    450: "4.2.0",
    451: "4.3.0",
    452: "4.3.1",
    454: "4.7.0",
    500: "5.5.2",
    501: "5.5.4",
    502: "5.5.1",
    503: "5.5.1",
    504: "5.5.4",
    530: "5.7.0",
    534: "5.7.9",
    535: "5.7.8",
    538: "5.7.11",
    550: "5.0.0",
    552: "5.3.4",
    553: "5.1.3",
    554: "5.0.0",
    555: "5.5.4",
}
