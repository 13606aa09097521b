"""The Received trace field (RFC 5321 §4.4) and the "with" protocol types of RFC 3848."""

from __future__ import annotations

import email.utils


def protocol_type(tls: bool, authenticated: bool) -> str:
    """RFC 3848 §2: ESMTP, plus S for TLS and A for authentication."""
    return "ESMTP" + ("S" if tls else "") + ("A" if authenticated else "")


def received_field(
    helo: str,
    peer_ip: str | None,
    hostname: str,
    protocol: str,
    connection_id: str,
    recipient: str | None,
) -> bytes:
    """One Received field, folded, ending in CRLF.

    ``peer_ip`` is None for authenticated submissions: a user's own network address is not
    written into mail that travels to others (the connection log keeps it for the operator).
    """
    source = f"from {helo or 'unknown'}" + (f" ([{peer_ip}])" if peer_ip else "")
    target = f"\r\n\tfor <{recipient}>" if recipient else ""
    date = email.utils.format_datetime(email.utils.localtime())
    return (
        f"Received: {source}\r\n\tby {hostname} (MSS) with {protocol} id {connection_id}"
        f"{target};\r\n\t{date}\r\n"
    ).encode("utf-8", "surrogateescape")


def has_bare_line_ending(data: bytes) -> bool:
    """RFC 5321 §2.3.8: CR and LF appear only together; alone, they are a smuggling vector."""
    return data.count(b"\r") != data.count(b"\r\n") or data.count(b"\n") != data.count(b"\r\n")
