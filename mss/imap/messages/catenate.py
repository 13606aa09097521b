"""CATENATE (RFC 4469): the message an APPEND puts together from text and IMAP URLs.

Only URLs to messages of the session's own account are followed, in the form RFC 4469 §5 requires
servers to accept: an absolute path (RFC 5092 §6, ``/mailbox[;UIDVALIDITY=n]/;UID=n
[/;SECTION=s][/;PARTIAL=o[.l]]``), or the same after ``imap://authority``. URLAUTH is not
offered, so no URL reaches another account's mail.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from mss.imap.fetch.message_sections import partial, section_octets
from mss.imap.fetch.parse_fetch import section
from mss.imap.session.state import SessionState
from mss.imap.wire.codes import BADURL, NO, Code
from mss.imap.wire.errors import CommandError, ParseError
from mss.imap.wire.grammar import Buffer
from mss.imap.wire.mailbox import normalise
from mss.reading.reader import MailboxReader

_SERVER = re.compile(r"(?i)\Aimap://[^/]*")
_PATH = re.compile(
    r"(?i)\A/(?P<mailbox>[^;]+?)(?:;UIDVALIDITY=(?P<uidvalidity>[1-9][0-9]{0,9}))?"
    r"/;UID=(?P<uid>[1-9][0-9]{0,9})"
    r"(?:/;SECTION=(?P<section>[^/]*))?"
    r"(?:/;PARTIAL=(?P<origin>[0-9]{1,10})(?:\.(?P<count>[1-9][0-9]{0,9}))?)?\Z"
)


def _bad(url: str) -> CommandError:
    """RFC 4469 §6 ``BADURL url-resp-text``: the URL as sent, less what the code cannot hold
    (CR, LF, "]")."""
    text = url.encode("ascii").translate(None, b"\r\n]")
    return CommandError(NO, Code(BADURL, text), "Cannot resolve the URL")


async def resolve(state: SessionState, url: str) -> bytes:
    """The octets ``url`` names (RFC 5092 §5), or NO [BADURL] when it names nothing."""
    match = _PATH.match(_SERVER.sub("", url, count=1))
    if match is None:
        raise _bad(url)
    try:
        name = normalise(unquote_to_bytes(match["mailbox"]).decode("utf-8"))
    except UnicodeDecodeError:
        raise _bad(url) from None
    box = await state.store.get_mailbox(state.account.account.id, name)
    if box is None or (
        match["uidvalidity"] is not None and int(match["uidvalidity"]) != box.uidvalidity
    ):
        raise _bad(url)
    opened = await MailboxReader(state.store, state.account.keys, box).contents([int(match["uid"])])
    if not opened:
        raise _bad(url)
    message, raw = next(iter(opened.values()))
    summary = message.summary
    data: bytes | None = raw
    if match["section"] is not None:
        wanted = b"[" + unquote_to_bytes(match["section"]) + b"]"
        try:
            parsed, rest = section(Buffer.from_line(wanted))
        except ParseError:
            raise _bad(url) from None
        if not rest.at_end():
            raise _bad(url)
        data = section_octets(raw, summary.structure, parsed)
    if data is None:
        raise _bad(url)
    if match["origin"] is not None:
        count = int(match["count"]) if match["count"] is not None else len(data)
        data = partial(data, int(match["origin"]), count)
    return data
