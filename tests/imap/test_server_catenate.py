"""CATENATE (RFC 4469): APPEND joining text parts and IMAP URLs to the account's own messages."""

from __future__ import annotations

from .harness import Harness

FIRST = b"From: a@hopital.example\r\nSubject: un\r\n\r\nCorps un\r\n"
SECOND = b"From: b@hopital.example\r\n\r\nCorps deux\r\n"


async def test_catenate_joins_text_and_url_parts(imap: Harness) -> None:
    await imap.deliver(FIRST)
    await imap.deliver(SECOND)
    validity = await imap.uidvalidity("INBOX")
    wire = await imap.wire()
    assert b" CATENATE " in (await wire.command(b"c1 CAPABILITY"))[0]
    # RFC 4469 §5: URL parts with sections (RFC 5092 §6) and a partial range, text literals.
    lines = await wire.command(
        b'a1 APPEND Drafts CATENATE (URL "/INBOX;UIDVALIDITY=%d/;UID=1/;SECTION=HEADER" '
        b"TEXT {6+}\r\nNouv\r\n"
        b' URL "/INBOX/;UID=2/;SECTION=TEXT" URL "imap://jeanne@localhost/INBOX/;UID=1/;PARTIAL=6.9")'
        % validity
    )
    assert lines[-1].startswith(b"a1 OK [APPENDUID ")
    await wire.command(b"a2 SELECT Drafts")
    joined = b"From: a@hopital.example\r\nSubject: un\r\n\r\nNouv\r\nCorps deux\r\na@hopital"
    assert (await wire.command(b"a3 FETCH 1 BODY.PEEK[]"))[0] == (
        b"* 1 FETCH (BODY[] {%d}\r\n%s)\r\n" % (len(joined), joined)
    )
    await wire.close()


async def test_a_bad_url_fails_the_whole_append(imap: Harness) -> None:
    await imap.deliver(FIRST)
    wire = await imap.wire()
    # RFC 4469 §6: NO [BADURL url], for a wrong UIDVALIDITY, a missing message or mailbox.
    for url in (b"/INBOX;UIDVALIDITY=1/;UID=1", b"/INBOX/;UID=9", b"/Nowhere/;UID=1"):
        assert await wire.command(
            b'a1 APPEND Drafts CATENATE (TEXT {4+}\r\nX: y URL "%s")' % url
        ) == [b"a1 NO [BADURL %s] Cannot resolve the URL\r\n" % url]
    # MULTIAPPEND (RFC 3502 §3): one bad message, none stored.
    assert await wire.command(
        b'a2 APPEND Drafts CATENATE (URL "/INBOX/;UID=1") CATENATE (URL "/INBOX/;UID=9")'
    ) == [b"a2 NO [BADURL /INBOX/;UID=9] Cannot resolve the URL\r\n"]
    # RFC 4469 §5: a missing target mailbox is reported first, as TRYCREATE.
    assert await wire.command(b'a3 APPEND Nowhere CATENATE (URL "/INBOX/;UID=9")') == [
        b"a3 NO [TRYCREATE] No such mailbox\r\n"
    ]
    assert (await wire.command(b"a4 STATUS Drafts (MESSAGES)"))[0] == (
        b"* STATUS Drafts (MESSAGES 0)\r\n"
    )
    await wire.close()
