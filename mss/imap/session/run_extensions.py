"""Handlers of ENABLE (RFC 5161), COMPRESS (RFC 4978) and NAMESPACE (RFC 2342)."""

from __future__ import annotations

from mss.imap.mailboxes.commands_auth import Compress, Enable, Namespace
from mss.imap.session.state import Done, SessionState
from mss.imap.wire.codes import (
    CANNOT,
    CAP_CONDSTORE,
    CAP_QRESYNC,
    COMPRESSIONACTIVE,
    ENABLEABLE,
    NO,
)
from mss.imap.wire.encode import untagged
from mss.imap.wire.errors import CommandError

DEFLATE = "DEFLATE"
# RFC 2342 §5: one personal namespace with no prefix and "/" as delimiter; no others.
NAMESPACES = b'(("" "/")) NIL NIL'


async def enable(state: SessionState, command: Enable) -> Done:
    """RFC 5161 §3.1: switch on what is known, ignore the rest, list what was switched on."""
    switched: list[str] = []
    for name in command.capabilities:
        if name in ENABLEABLE and name not in state.enabled:
            state.enabled.add(name)
            switched.append(name)
            if name == CAP_QRESYNC:
                # RFC 7162 §3.2.3: enabling QRESYNC implies enabling CONDSTORE.
                state.enabled.add(CAP_CONDSTORE)
    state.channel.send(untagged(b"ENABLED", *(name.encode("ascii") for name in switched)))
    return Done("ENABLE completed")


async def compress(state: SessionState, command: Compress) -> Done:
    """RFC 4978 §3: DEFLATE only, once per connection; compression starts after the OK."""
    if state.compressed:
        raise CommandError(NO, COMPRESSIONACTIVE, "Compression is already active")
    if command.algorithm != DEFLATE:
        raise CommandError(NO, CANNOT, "Unknown compression algorithm")

    async def switch() -> None:
        await state.channel.start_compression()
        state.compressed = True

    return Done("DEFLATE active", after=switch)


async def namespace(state: SessionState, command: Namespace) -> Done:
    """RFC 2342 §5."""
    state.channel.send(untagged(b"NAMESPACE", NAMESPACES))
    return Done("NAMESPACE completed")
