"""Transcripts of FETCH: every item, sections, partial fetches and \\Seen."""

from __future__ import annotations

import re

from .harness import Harness
from .messages import INNER_MESSAGE, NESTED, TEXT_PART, simple


def literal_of(line: bytes, name: bytes) -> bytes:
    """The literal that follows ``name`` in a FETCH response line."""
    match = re.search(re.escape(name) + rb" \{(\d+)\}\r\n", line)
    assert match is not None, line
    return line[match.end() : match.end() + int(match.group(1))]


async def test_bodystructure_of_multipart_with_nested_message(imap: Harness) -> None:
    await imap.deliver(NESTED)
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    [line, done] = await wire.command(b"a2 FETCH 1 BODYSTRUCTURE")
    inner_body = b"Glycemie normale."
    assert line == (
        b'* 1 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL '
        b'"QUOTED-PRINTABLE" %d 1 NIL NIL NIL NIL)'
        % len(TEXT_PART)
        + b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" %d ' % len(INNER_MESSAGE)
        + b'(NIL "Analyse" (("Labo" NIL "labo" "hopital.example")) '
        b'(("Labo" NIL "labo" "hopital.example")) (("Labo" NIL "labo" "hopital.example")) '
        b"NIL NIL NIL NIL NIL) "
        b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" %d 1 NIL NIL NIL NIL) 5 '
        % len(inner_body)
        + b'NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "outer") NIL NIL NIL))\r\n'
    )
    assert done == b"a2 OK FETCH completed\r\n"
    [line, _] = await wire.command(b"a3 FETCH 1 BODY")
    assert line.startswith(b'* 1 FETCH (BODY (("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL')
    assert line.endswith(b'"7BIT" %d 1) 5) "MIXED"))\r\n' % len(inner_body))
    await wire.close()


async def test_body_sections(imap: Harness) -> None:
    await imap.deliver(NESTED)
    wire = await imap.wire()
    await wire.command(b"a1 EXAMINE INBOX")
    header_end = NESTED.index(b"\r\n\r\n") + 4
    sections = {
        b"BODY[]": NESTED,
        b"BODY[HEADER]": NESTED[:header_end],
        b"BODY[TEXT]": NESTED[header_end:],
        b"BODY[1]": TEXT_PART,
        b"BODY[1.MIME]": (
            b"Content-Type: text/plain; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        ),
        b"BODY[2]": INNER_MESSAGE,
        b"BODY[2.HEADER]": INNER_MESSAGE[: INNER_MESSAGE.index(b"\r\n\r\n") + 4],
        b"BODY[2.TEXT]": b"Glycemie normale.",
        b"BODY[2.1]": b"Glycemie normale.",
        b"BODY[HEADER.FIELDS (FROM SUBJECT)]": (
            b"From: Dr Martin <martin@hopital.example>\r\n"
            b"Subject: =?utf-8?q?Compte-rendu_transf=C3=A9r=C3=A9?=\r\n\r\n"
        ),
        b"BODY[2.HEADER.FIELDS.NOT (CONTENT-TYPE)]": (
            b"From: Labo <labo@hopital.example>\r\nSubject: Analyse\r\n\r\n"
        ),
    }
    for name, expected in sections.items():
        peek = name.replace(b"BODY[", b"BODY.PEEK[")
        [line, done] = await wire.command(b"s FETCH 1 " + peek)
        assert literal_of(line, name) == expected, name
        assert done == b"s OK FETCH completed\r\n"
    [line, _] = await wire.command(b"s FETCH 1 BODY.PEEK[7]")
    assert line == b"* 1 FETCH (BODY[7] NIL)\r\n"
    await wire.close()


async def test_partial_fetch(imap: Harness) -> None:
    # RFC 3501 §6.4.5: "<0.10>" is 10 octets from 0; the response names only the origin.
    await imap.deliver(NESTED)
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    assert (await wire.command(b"a2 FETCH 1 BODY.PEEK[]<0.10>"))[0] == (
        b"* 1 FETCH (BODY[]<0> {10}\r\n" + NESTED[:10] + b")\r\n"
    )
    assert (await wire.command(b"a3 FETCH 1 BODY.PEEK[1]<5.1000>"))[0] == (
        b"* 1 FETCH (BODY[1]<5> {%d}\r\n" % (len(TEXT_PART) - 5) + TEXT_PART[5:] + b")\r\n"
    )
    assert (await wire.command(b"a4 FETCH 1 BODY.PEEK[]<100000.10>"))[0] == (
        b"* 1 FETCH (BODY[]<100000> {0}\r\n)\r\n"
    )
    await wire.close()


async def test_metadata_items_and_macros(imap: Harness) -> None:
    message = simple("Rendez-vous")
    appended = await imap.deliver(message, flags=("\\Flagged",))
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    [line, _] = await wire.command(b"a2 FETCH 1 FAST")
    assert re.fullmatch(
        rb'\* 1 FETCH \(FLAGS \(\\Flagged\) INTERNALDATE "[ 0-9]{2}-[A-Z][a-z]{2}-\d{4} '
        rb'\d\d:\d\d:\d\d \+0000" RFC822.SIZE %d\)\r\n' % len(message),
        line,
    )
    [line, _] = await wire.command(b"a3 FETCH 1 ALL")
    assert b' ENVELOPE ("Mon, 23 Nov 2026 10:00:00 +0100" "Rendez-vous" ' in line
    [line, _] = await wire.command(b"a4 UID FETCH %d (RFC822.SIZE)" % appended.uid)
    assert line == b"* 1 FETCH (UID %d RFC822.SIZE %d)\r\n" % (appended.uid, len(message))
    [line, _] = await wire.command(b"a5 FETCH 1 (RFC822.HEADER)")
    assert literal_of(line, b"RFC822.HEADER") == message[: message.index(b"\r\n\r\n") + 4]
    assert await wire.command(b"a6 FETCH 2 FLAGS") == [
        b"a6 BAD Invalid message sequence number\r\n"
    ]
    assert await wire.command(b"a7 UID FETCH 99 FLAGS") == [b"a7 OK UID FETCH completed\r\n"]
    await wire.close()


async def test_fetching_a_body_sets_seen(imap: Harness) -> None:
    message = simple("lu")
    await imap.deliver(message)
    await imap.deliver(simple("pas lu"))
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    # RFC 3501 §6.4.5: BODY.PEEK leaves \Seen alone; BODY[] and RFC822 set it.
    [line, _] = await wire.command(b"a2 FETCH 1 BODY.PEEK[TEXT]")
    assert b"FLAGS" not in line
    [line, _] = await wire.command(b"a3 FETCH 1 RFC822.TEXT")
    assert line.endswith(b"Bonjour.\r\n FLAGS (\\Seen))\r\n")
    [line, _] = await wire.command(b"a4 FETCH 1 (FLAGS RFC822)")
    assert line.startswith(b"* 1 FETCH (FLAGS (\\Seen) RFC822 {%d}\r\n" % len(message))
    assert await wire.command(b"a5 FETCH 1:* FLAGS") == [
        b"* 1 FETCH (FLAGS (\\Seen))\r\n",
        b"* 2 FETCH (FLAGS ())\r\n",
        b"a5 OK FETCH completed\r\n",
    ]
    await wire.close()


async def test_fetch_changedsince_and_vanished(imap: Harness) -> None:
    for subject in ("un", "deux", "trois"):
        await imap.deliver(simple(subject))
    wire = await imap.wire()
    await wire.command(b"a0 ENABLE QRESYNC")
    await wire.command(b"a1 SELECT INBOX")
    await wire.command(b"a2 STORE 2 +FLAGS.SILENT (\\Flagged)")
    await wire.command(b"a3 STORE 3 +FLAGS.SILENT (\\Deleted)")
    await wire.command(b"a4 EXPUNGE")
    # RFC 7162 §3.1.4.1 and §3.2.6.
    assert await wire.command(b"a5 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 4 VANISHED)") == [
        b"* VANISHED (EARLIER) 3\r\n",
        b"* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (5))\r\n",
        b"a5 OK UID FETCH completed\r\n",
    ]
    assert await wire.command(b"a6 FETCH 1:* (FLAGS) (CHANGEDSINCE 4 VANISHED)") == [
        b"a6 BAD VANISHED needs UID FETCH and CHANGEDSINCE\r\n"
    ]
    await wire.close()
