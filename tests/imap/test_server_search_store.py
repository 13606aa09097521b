"""Transcripts of SEARCH (with ESEARCH and MODSEQ), STORE, COPY, MOVE, EXPUNGE and CLOSE."""

from __future__ import annotations

import asyncio

from .harness import Harness
from .messages import NESTED, simple
from .wire import Wire


async def _mailbox(imap: Harness) -> None:
    await imap.deliver(simple("Analyse", "Glycémie normale.", "labo@hopital.example"))
    await imap.deliver(NESTED, flags=("\\Flagged",))
    await imap.deliver(simple("Rappel", "Rendez-vous mardi.", "secretariat@clinique.example"),
                       flags=("\\Seen", "$Urgent"))  # fmt: skip


async def test_search_keys(imap: Harness) -> None:
    await _mailbox(imap)
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    searches = {
        b"ALL": b"1 2 3",
        b"FLAGGED": b"2",
        b"UNSEEN NOT FLAGGED": b"1",
        b"KEYWORD $urgent": b"3",
        b"OR FLAGGED SEEN": b"2 3",
        b"FROM labo": b"1",
        b"FROM LABO@hopital": b"1",
        b'HEADER Message-ID "<fwd@"': b"2",
        b'HEADER Message-ID ""': b"2",
        b"SUBJECT rappel": b"3",
        b"SENTON 23-Nov-2026": b"1 3",
        b"SENTBEFORE 24-Nov-2026": b"1 3",
        b"SENTSINCE 24-Nov-2026": b"2",
        b"SINCE 1-Jan-2020": b"1 2 3",
        b"BEFORE 1-Jan-2020": b"",
        b"LARGER 500": b"2",
        b"SMALLER 500": b"1 3",
        b"2:*": b"2 3",
        b"UID 1,3": b"1 3",
        b"BODY mardi": b"3",
        b"TEXT secretariat": b"3",
        b"NOT (OR FLAGGED SEEN)": b"1",
        b"NEW": b"",
        b"OLD": b"1 2 3",
    }
    for key, expected in searches.items():
        lines = await wire.command(b"s SEARCH " + key)
        assert lines == [b"* SEARCH" + (b" " + expected if expected else b"") + b"\r\n",
                         b"s OK SEARCH completed\r\n"], key  # fmt: skip
    await wire.close()


async def test_search_decodes_non_ascii_text(imap: Harness) -> None:
    await _mailbox(imap)
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    # RFC 3501 §6.4.4 example: a UTF-8 string sent as a literal with CHARSET.
    wire.send(b"A284 SEARCH CHARSET UTF-8 TEXT {8}\r\n")
    assert await wire.line() == b"+ Ready for literal\r\n"
    wire.send("rédigé".encode() + b"\r\n")
    assert await wire.until(b"A284") == [b"* SEARCH 2\r\n", b"A284 OK SEARCH completed\r\n"]
    # Bodies are searched decoded (quoted-printable, charset), subjects too (RFC 2047).
    assert await wire.command('a2 SEARCH CHARSET UTF-8 BODY "GLYCÉMIE"'.encode()) == [
        b"* SEARCH 1\r\n",
        b"a2 OK SEARCH completed\r\n",
    ]
    assert await wire.command('a3 SEARCH CHARSET UTF-8 SUBJECT "transféré"'.encode()) == [
        b"* SEARCH 2\r\n",
        b"a3 OK SEARCH completed\r\n",
    ]
    assert await wire.command(b"a4 SEARCH CHARSET KOI8-R TEXT x") == [
        b"a4 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset\r\n"
    ]
    await wire.close()


async def test_esearch_and_modseq(imap: Harness) -> None:
    await _mailbox(imap)
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    # RFC 4731 §3.1.
    assert await wire.command(b"A282 SEARCH RETURN (MIN COUNT) NOT FLAGGED") == [
        b'* ESEARCH (TAG "A282") MIN 1 COUNT 2\r\n',
        b"A282 OK SEARCH completed\r\n",
    ]
    assert await wire.command(b"A283 UID SEARCH RETURN () ALL") == [
        b'* ESEARCH (TAG "A283") UID ALL 1:3\r\n',
        b"A283 OK UID SEARCH completed\r\n",
    ]
    assert await wire.command(b"A284 SEARCH RETURN (MIN MAX) DRAFT") == [
        b'* ESEARCH (TAG "A284")\r\n',
        b"A284 OK SEARCH completed\r\n",
    ]
    # RFC 7162 §3.1.5: MODSEQ in the key adds the highest MODSEQ found; as the session's first
    # CONDSTORE enabling command, it is preceded by the mailbox's HIGHESTMODSEQ (§3.1).
    assert await wire.command(b"a5 SEARCH MODSEQ 3") == [
        b"* OK [HIGHESTMODSEQ 4] Highest\r\n",
        b"* SEARCH 2 3 (MODSEQ 4)\r\n",
        b"a5 OK SEARCH completed\r\n",
    ]
    await wire.close()


async def test_first_fetch_modseq_and_search_return_min_max(imap: Harness) -> None:
    await _mailbox(imap)
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    await wire.command(b"a2 STORE 1 +FLAGS.SILENT (\\Answered)")
    # imaptest: the first FETCH ... MODSEQ turns CONDSTORE on and says HIGHESTMODSEQ (RFC 7162
    # §3.1), once.
    assert await wire.command(b"a3 FETCH 1 (MODSEQ)") == [
        b"* OK [HIGHESTMODSEQ 5] Highest\r\n",
        b"* 1 FETCH (MODSEQ (5))\r\n",
        b"a3 OK FETCH completed\r\n",
    ]
    assert await wire.command(b"a4 FETCH 3 (MODSEQ)") == [
        b"* 3 FETCH (MODSEQ (4))\r\n",
        b"a4 OK FETCH completed\r\n",
    ]
    # RFC 7162 §3.1.5: the MODSEQ is the highest of the messages returned, so MIN and MAX
    # alone report their own message's, not the highest of every match.
    assert await wire.command(b"a5 SEARCH RETURN (MIN) MODSEQ 2") == [
        b'* ESEARCH (TAG "a5") MIN 1 MODSEQ 5\r\n',
        b"a5 OK SEARCH completed\r\n",
    ]
    assert await wire.command(b"a6 SEARCH RETURN (MAX) MODSEQ 2") == [
        b'* ESEARCH (TAG "a6") MAX 3 MODSEQ 4\r\n',
        b"a6 OK SEARCH completed\r\n",
    ]
    assert await wire.command(b"a7 UID SEARCH RETURN (MIN MAX) MODSEQ 2") == [
        b'* ESEARCH (TAG "a7") UID MIN 1 MAX 3 MODSEQ 5\r\n',
        b"a7 OK UID SEARCH completed\r\n",
    ]
    assert await wire.command(b"a8 SEARCH RETURN (MAX COUNT) MODSEQ 2") == [
        b'* ESEARCH (TAG "a8") MAX 3 COUNT 3 MODSEQ 5\r\n',
        b"a8 OK SEARCH completed\r\n",
    ]
    await wire.close()


async def test_store_forms(imap: Harness) -> None:
    await _mailbox(imap)
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    # RFC 3501 §6.4.6.
    assert await wire.command(b"A003 STORE 2:3 +FLAGS (\\Deleted)") == [
        b"* 2 FETCH (FLAGS (\\Deleted \\Flagged))\r\n",
        b"* 3 FETCH (FLAGS ($Urgent \\Deleted \\Seen))\r\n",
        b"A003 OK STORE completed\r\n",
    ]
    assert await wire.command(b"A004 STORE 3 -FLAGS.SILENT \\Deleted $Urgent") == [
        b"A004 OK STORE completed\r\n"
    ]
    assert await wire.command(b"A005 UID STORE 1 FLAGS (\\Answered $Forwarded)") == [
        b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $Urgent)\r\n",
        b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $Urgent"
        b" \\*)] Flags permitted\r\n",
        b"* 1 FETCH (UID 1 FLAGS ($Forwarded \\Answered))\r\n",
        b"A005 OK UID STORE completed\r\n",
    ]
    assert await wire.command(b"A006 STORE 1 FLAGS (\\Recent)") == [
        b"A006 BAD Expected a settable flag, found '\\\\Recent)'\r\n"
    ]
    await wire.close()


async def test_store_unchangedsince(imap: Harness) -> None:
    await _mailbox(imap)
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX (CONDSTORE)")
    # RFC 7162 §3.1.3: the message changed since MODSEQ 3 is left alone and reported.
    assert await wire.command(b"a2 STORE 1:3 (UNCHANGEDSINCE 3) +FLAGS (\\Answered)") == [
        b"* 1 FETCH (FLAGS (\\Answered) MODSEQ (5))\r\n",
        b"* 2 FETCH (FLAGS (\\Answered \\Flagged) MODSEQ (5))\r\n",
        b"a2 OK [MODIFIED 3] STORE completed\r\n",
    ]
    assert await wire.command(b"a3 UID STORE 1 (UNCHANGEDSINCE 5) +FLAGS.SILENT ($Lu)") == [
        b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Lu $Urgent)\r\n",
        b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Lu $Urgent \\*)]"
        b" Flags permitted\r\n",
        b"* 1 FETCH (UID 1 MODSEQ (6))\r\n",
        b"a3 OK UID STORE completed\r\n",
    ]
    await wire.close()


async def test_copy_move_expunge(imap: Harness) -> None:
    await _mailbox(imap)
    trash, archive = await imap.uidvalidity("Trash"), await imap.uidvalidity("Archive")
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    # RFC 3501 §6.4.7 with COPYUID (RFC 4315 §3).
    assert await wire.command(b"A003 COPY 2:3 Trash") == [
        b"A003 OK [COPYUID %d 2:3 1:2] COPY completed\r\n" % trash
    ]
    assert await wire.command(b"A004 COPY 1 Nowhere") == [
        b"A004 NO [TRYCREATE] No such mailbox\r\n"
    ]
    # RFC 6851 §4.3: COPYUID first, then the expunges, then the tagged OK.
    assert await wire.command(b"A005 UID MOVE 1 Archive") == [
        b"* OK [COPYUID %d 1 1] Moved\r\n" % archive,
        b"* 1 EXPUNGE\r\n",
        b"A005 OK UID MOVE completed\r\n",
    ]
    await wire.command(b"A006 STORE 1:2 +FLAGS.SILENT (\\Deleted)")
    # RFC 4315 §2.1: only the \Deleted messages among the UIDs given.
    assert await wire.command(b"A007 UID EXPUNGE 3") == [
        b"* 2 EXPUNGE\r\n",
        b"A007 OK UID EXPUNGE completed\r\n",
    ]
    assert await wire.command(b"A008 EXPUNGE") == [
        b"* 1 EXPUNGE\r\n",
        b"A008 OK EXPUNGE completed\r\n",
    ]
    status = await wire.command(b"A009 STATUS Trash (MESSAGES)")
    assert status[0] == b"* STATUS Trash (MESSAGES 2)\r\n"
    await wire.close()


async def test_close_expunges_and_unselect_does_not(imap: Harness) -> None:
    await _mailbox(imap)
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    await wire.command(b"a2 STORE 1 +FLAGS.SILENT (\\Deleted)")
    assert await wire.command(b"a3 UNSELECT") == [b"a3 OK UNSELECT completed\r\n"]
    assert (await wire.command(b"a4 SELECT INBOX"))[0] == b"* 3 EXISTS\r\n"
    # RFC 3501 §6.4.2: CLOSE expunges without a word.
    assert await wire.command(b"a5 CLOSE") == [b"a5 OK CLOSE completed\r\n"]
    assert (await wire.command(b"a6 EXAMINE INBOX"))[0] == b"* 2 EXISTS\r\n"
    assert await wire.command(b"a7 EXPUNGE") == [b"a7 NO [CANNOT] Mailbox is read-only\r\n"]
    await wire.close()


async def test_search_address_fields_ignore_comments(imap: Harness) -> None:
    await imap.deliver(
        b"From: (Cabinet) jean.dupont (pro) @ (site) cabinet.example (fin)\r\n"
        b'To: "Dr Lemaire" <lemaire @ clinique.example>\r\n'
        b"Subject: Adresses\r\n\r\nBonjour.\r\n"
    )
    await imap.deliver(simple("Autre"))
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    # imaptest search-addresses: RFC 5322 §3.4 comments and spaces inside an address do not
    # hide it from FROM/TO (RFC 3501 §6.4.4).
    searches = {
        b"FROM jean.dupont@cabinet.example": b" 1",
        b'FROM "(fin)"': b" 1",
        b"TO lemaire@clinique.example": b" 1",
        b'TO "Dr Lemaire <lemaire@"': b" 1",
        b"FROM dupont@clinique.example": b"",
        b"SUBJECT jean.dupont@cabinet.example": b"",
    }
    for number, (key, expected) in enumerate(searches.items()):
        tag = b"s%d" % number
        assert await wire.command(tag + b" SEARCH " + key) == [
            b"* SEARCH" + expected + b"\r\n",
            tag + b" OK SEARCH completed\r\n",
        ], key
    await wire.close()


async def _noop_until_news(wire: Wire, tag: bytes) -> list[bytes]:
    """NOOP until the change reaches the session: on PostgreSQL it travels by NOTIFY, after the
    writer's commit, so the first NOOP may come before it."""
    for attempt in range(100):
        lines = await wire.command(tag + b"." + str(attempt).encode() + b" NOOP")
        assert lines[-1].endswith(b" OK NOOP completed\r\n")
        if len(lines) > 1:
            return [*lines[:-1], tag + b" OK NOOP completed\r\n"]
        await asyncio.sleep(0.05)
    raise AssertionError("the change never reached the other session")


async def test_new_keyword_is_announced_by_flags(imap: Harness) -> None:
    await _mailbox(imap)
    first, second = await imap.wire(), await imap.wire()
    await first.command(b"a1 SELECT INBOX")
    await second.command(b"b1 EXAMINE INBOX")
    flags = b"\\Answered \\Flagged \\Deleted \\Seen \\Draft"
    # RFC 3501 §7.2.6 (imaptest): a keyword no message carried before is announced by FLAGS
    # and PERMANENTFLAGS before the FETCH that shows it, and only once.
    assert await first.command(b"a2 STORE 1 +FLAGS ($Nouveau)") == [
        b"* FLAGS (" + flags + b" $Nouveau $Urgent)\r\n",
        b"* OK [PERMANENTFLAGS (" + flags + b" $Nouveau $Urgent \\*)] Flags permitted\r\n",
        b"* 1 FETCH (FLAGS ($Nouveau))\r\n",
        b"a2 OK STORE completed\r\n",
    ]
    assert await first.command(b"a3 STORE 2 +FLAGS ($Nouveau)") == [
        b"* 2 FETCH (FLAGS ($Nouveau \\Flagged))\r\n",
        b"a3 OK STORE completed\r\n",
    ]
    # The other session (read-only: nothing permanent) learns of it with the change.
    assert await _noop_until_news(second, b"b2") == [
        b"* FLAGS (" + flags + b" $Nouveau $Urgent)\r\n",
        b"* OK [PERMANENTFLAGS ()] Flags permitted\r\n",
        b"* 1 FETCH (UID 1 FLAGS ($Nouveau))\r\n",
        b"* 2 FETCH (UID 2 FLAGS ($Nouveau \\Flagged))\r\n",
        b"b2 OK NOOP completed\r\n",
    ]
    assert await second.command(b"b3 NOOP") == [b"b3 OK NOOP completed\r\n"]
    # A message delivered with a keyword of its own announces it with its EXISTS.
    await imap.deliver(simple("Quatre"), flags=("$Entrant",))
    lines = await _noop_until_news(second, b"b4")
    assert lines[0] == b"* FLAGS (" + flags + b" $Entrant $Nouveau $Urgent)\r\n"
    assert b"* 4 EXISTS\r\n" in lines[2:]
    await first.close()
    await second.close()
