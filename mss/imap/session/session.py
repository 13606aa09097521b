"""One client connection from greeting to BYE: framing, parsing, the state check, dispatch.

Implementation notes. Commands run one at a time, in the order received; pipelined input waits
in the framer. The state is checked once, in ``dispatch.check_state``, before any handler runs.
Every error is turned into its reply here and nowhere else: ``ImapError`` carries its own; store
errors are translated; anything unexpected is logged with its traceback and answered
``NO [SERVERBUG]``, so no traceback ever reaches the client. Mailbox changes from other
sessions are reported just before each tagged reply, expunges only where RFC 3501 §7.4.1
allows. After STARTTLS and COMPRESS nothing read before the switch is acted upon.
"""

from __future__ import annotations

import asyncio
import logging

from crypto import CryptoError
from mss.imap.session.connection import Connection
from mss.imap.session.dispatch import NO_EXPUNGE, check_state, dispatch
from mss.imap.session.state import Done, ImapServices, SessionEnd, SessionState
from mss.imap.session.updates import updates
from mss.imap.wire.codes import (
    ALREADYEXISTS,
    BAD,
    BYE,
    CANNOT,
    CAPABILITY,
    CORRUPTION,
    NO,
    NONEXISTENT,
    OK,
    SERVERBUG,
    Code,
)
from mss.imap.wire.command import Command
from mss.imap.wire.encode import capability_data, continuation, tagged, untagged_status
from mss.imap.wire.errors import CommandError, ImapError, ParseError
from mss.imap.wire.framing import ContinuationRequest, Framer, RawCommand
from mss.imap.wire.parse import parse_command
from mss.store.errors import AlreadyExists, Conflict, NotFound, StoreError

log = logging.getLogger(__name__)


class ConnectionClosed(Exception):
    """The client went away."""


def translate(error: StoreError) -> CommandError:
    """The store's domain errors as IMAP replies (RFC 5530 §3 codes)."""
    if isinstance(error, NotFound):
        return CommandError(NO, NONEXISTENT, str(error))
    if isinstance(error, AlreadyExists):
        return CommandError(NO, ALREADYEXISTS, str(error))
    if isinstance(error, Conflict):
        return CommandError(NO, CANNOT, str(error))
    return CommandError(NO, SERVERBUG, "Storage error")


class Session:
    """The protocol loop of one connection; also the ``Channel`` its handlers talk through."""

    def __init__(self, connection: Connection, services: ImapServices) -> None:
        self.connection = connection
        self.services = services
        self.framer = Framer(services.settings.preauth_limits)
        self.state = SessionState(services, self, tls=connection.tls, peer=connection.ip)
        self.bad_commands = 0

    # The channel handlers use ------------------------------------------------------------

    def send(self, data: bytes) -> None:
        """Queue a response (``Channel``)."""
        self.connection.write(data)

    async def flush(self) -> None:
        """Send what is queued (``Channel``)."""
        await self.connection.flush()

    async def next_line(self) -> bytes:
        """The client's next line, for SASL and IDLE (``Channel``)."""
        raw = await self._next_raw()
        line = raw.line()
        if line is None:
            raise ParseError("Expected a line without literals")
        return line

    async def start_tls(self) -> None:
        """Switch to TLS after STARTTLS's OK (``Channel``)."""
        if self.services.tls is None:
            raise SessionEnd("TLS is not available")
        self.framer.clear()  # RFC 3501 §6.2.1: input sent before TLS is not acted upon
        async with asyncio.timeout(self.services.settings.preauth_timeout_seconds):
            await self.connection.start_tls(self.services.tls)
        self.state.tls = True

    async def start_compression(self) -> None:
        """Switch to DEFLATE after COMPRESS's OK (``Channel``)."""
        self.framer.clear()  # RFC 4978 §3: the client waits for the OK before compressing
        self.connection.start_compression()

    # Reading -----------------------------------------------------------------------------

    async def _read(self) -> None:
        """Feed the framer the next octets, within the autologout timer (RFC 3501 §5.4)."""
        settings = self.services.settings
        authenticated = self.state.user is not None
        timeout = settings.autologout_seconds if authenticated else settings.preauth_timeout_seconds
        try:
            async with asyncio.timeout(timeout):
                data = await self.connection.read()
        except TimeoutError:
            # RFC 3501 §5.4: the autologout timer.
            raise SessionEnd("Autologout; idle for too long") from None
        if not data:
            raise ConnectionClosed
        self.framer.feed(data)

    async def _next_raw(self) -> RawCommand:
        """The next whole command; continuation requests are answered on the way."""
        while True:
            event = self.framer.next_event()
            if event is None:
                await self._read()
            elif isinstance(event, ContinuationRequest):
                self.send(continuation("Ready for literal"))
                await self.flush()
            else:
                return event

    # The loop ----------------------------------------------------------------------------

    async def run(self) -> None:
        """Greet, serve commands until LOGOUT or the end, and close."""
        log.info("connected from %s%s", self.connection.peer, " (TLS)" if self.state.tls else "")
        try:
            code = Code(CAPABILITY, capability_data(self.state.capabilities()))
            self.send(untagged_status(OK, "MSS IMAP4rev1 server ready", code))
            await self.flush()
            while True:
                try:
                    raw = await self._next_raw()
                except ParseError as error:
                    await self._refuse(error)
                    continue
                if await self._execute(raw):
                    break
        except SessionEnd as end:
            self.send(untagged_status(BYE, end.text))
        except (ConnectionClosed, OSError):
            log.info("connection lost")
        except Exception:
            # Outside any command (reporting updates, greeting): still no traceback to the
            # client, only a BYE; the log has the details.
            log.exception("session failed")
            self.send(untagged_status(BYE, "Internal error"))
        finally:
            if self.state.subscription is not None:
                self.state.subscription.close()
            await self.connection.close()
            log.info("closed")

    async def _run(self, command: Command) -> Done | ImapError:
        """The handler's completion, or the error to reply with: the one error boundary."""
        try:
            return await dispatch(self.state, command)
        except ImapError as error:
            return error
        except StoreError as error:
            return translate(error)
        except CryptoError:
            log.exception("%s: a message could not be decrypted", command.name)
            return CommandError(NO, CORRUPTION, "A message could not be decrypted")
        except (SessionEnd, ConnectionClosed, OSError):
            raise
        except Exception:
            log.exception("%s failed", command.name)
            return CommandError(NO, SERVERBUG, "Internal error")

    async def _refuse(self, error: ImapError) -> None:
        """Send an error reply; too many BADs end the session."""
        self.send(error.reply())
        await self.flush()
        if error.status == BAD:
            self.bad_commands += 1
            if self.bad_commands >= self.services.settings.bad_command_limit:
                raise SessionEnd("Too many invalid commands")

    async def _execute(self, raw: RawCommand) -> bool:
        """Run one command; True when the session must end after it."""
        try:
            command = parse_command(raw, options=self.state.options)
        except ImapError as error:
            await self._refuse(error)
            return False
        user = self.state.user
        if user is not None and not await self.services.signin.still_valid(user):
            # The owner changed the credentials (mss/generations.py): RFC 9051 §7.1.5, BYE.
            log.info("%s: credentials changed, session ended", user.account.address)
            raise SessionEnd("Credentials changed: sign in again")
        try:
            check_state(self.state, command)
        except ImapError as error:
            await self._refuse(error.with_tag(command.tag))
            return False
        was_authenticated = self.state.user is not None
        outcome = await self._run(command)
        if not self.state.logging_out:  # nothing follows a BYE but the tagged OK
            allow_expunge = not isinstance(command, NO_EXPUNGE)
            for line in await updates(self.state, allow_expunge=allow_expunge):
                self.send(line)
        if isinstance(outcome, ImapError):
            await self._refuse(outcome.with_tag(command.tag))
            if self.state.auth_failures >= self.services.settings.auth_failure_limit:
                raise SessionEnd("Too many authentication failures")
            return False
        done = outcome
        self.send(tagged(command.tag, OK, done.text, done.code))
        await self.flush()
        if done.after is not None:
            await done.after()
        if not was_authenticated and self.state.user is not None:
            self.framer.limits = self.services.settings.limits
            log.info("logged in as %s", self.state.account.account.address)
        return done.close
