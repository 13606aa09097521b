"""Handlers of the not-authenticated commands: STARTTLS, LOGIN and AUTHENTICATE PLAIN.

Proving the password is unlocking the account's keys (DESIGN.md "Cryptography"): a successful
login leaves this session, and only it, holding them. Every failure looks the same to the
client, after the same delay, whether the account exists or not.
"""

from __future__ import annotations

from mss.accounts import AuthenticationFailed
from mss.imap.session.commands_nonauth import (
    Authenticate,
    Login,
    StartTls,
    plain_credentials,
    sasl_response,
)
from mss.imap.session.state import Done, SessionState
from mss.imap.wire.codes import (
    AUTHENTICATIONFAILED,
    AUTHORIZATIONFAILED,
    BAD,
    CANNOT,
    CAPABILITY,
    NO,
    PRIVACYREQUIRED,
    UNAVAILABLE,
    Code,
)
from mss.imap.wire.encode import capability_data, continuation_data
from mss.imap.wire.errors import CommandError
from mss.signin import Channel, Throttled

PLAIN = "PLAIN"


async def start_tls(state: SessionState, command: StartTls) -> Done:
    """RFC 3501 §6.2.1: OK, then the handshake; the session restarts its capabilities."""
    if state.tls:
        raise CommandError(BAD, None, "TLS is already active")
    if state.services.tls is None:
        raise CommandError(NO, CANNOT, "TLS is not available")
    return Done("Begin TLS negotiation now", after=state.channel.start_tls)


def _require_tls(state: SessionState) -> None:
    """RFC 3501 §6.2.3 (LOGINDISABLED) and RFC 4616 §6: no password travels in clear."""
    if not state.tls:
        raise CommandError(NO, PRIVACYREQUIRED, "Use STARTTLS first")


async def _unlock(state: SessionState, userid: str, password: str) -> Done:
    """Unlock the account's keys with the credential; on success the session is logged in.

    The one sign-in (:mod:`mss.signin`) applies the throttle shared by every protocol and the
    second-factor rule (app passwords only for accounts with TOTP).
    """
    try:
        unlocked = await state.services.signin.sign_in(userid, password, state.peer, Channel.IMAP)
    except Throttled:
        state.auth_failures += 1
        raise CommandError(NO, UNAVAILABLE, "Too many failed attempts; try again later") from None
    except AuthenticationFailed:
        state.auth_failures += 1
        raise CommandError(NO, AUTHENTICATIONFAILED, "Authentication failed") from None
    state.user = unlocked
    state.subscription = state.services.feed.subscribe(unlocked.account.id)
    # RFC 3501 §7.1: capabilities change with login, so the OK carries the new list.
    return Done("Logged in", Code(CAPABILITY, capability_data(state.capabilities())))


async def login(state: SessionState, command: Login) -> Done:
    """RFC 3501 §6.2.3."""
    _require_tls(state)
    return await _unlock(state, command.userid, command.password)


async def authenticate(state: SessionState, command: Authenticate) -> Done:
    """RFC 3501 §6.2.2 with RFC 4959's initial response, PLAIN only (RFC 4616)."""
    if command.mechanism != PLAIN:
        raise CommandError(NO, CANNOT, "Unsupported authentication mechanism")
    _require_tls(state)
    response = command.initial_response
    if response is None:
        # RFC 4616 §2: PLAIN has no challenge; the server sends an empty one.
        state.channel.send(continuation_data(b""))
        await state.channel.flush()
        response = sasl_response(await state.channel.next_line())
    credentials = plain_credentials(response)
    if credentials.authzid and credentials.authzid != credentials.authcid:
        # RFC 4616 §2: acting as another identity is not offered here.
        raise CommandError(NO, AUTHORIZATIONFAILED, "Cannot act as another user")
    return await _unlock(state, credentials.authcid, credentials.password)
