"""Transcripts of the mailbox commands: SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE,
LIST (extended, LIST-STATUS, SPECIAL-USE), LSUB, STATUS and APPEND."""

from __future__ import annotations

from .harness import Harness
from .messages import simple


async def test_select_and_examine(imap: Harness) -> None:
    first = await imap.deliver(simple("un"), flags=("\\Seen", "$Label1"))
    await imap.deliver(simple("deux"))
    uidvalidity = first.uidvalidity
    wire = await imap.wire()
    # RFC 3501 §6.3.1.
    assert await wire.command(b"A142 SELECT INBOX") == [
        b"* 2 EXISTS\r\n",
        b"* 0 RECENT\r\n",
        b"* OK [UNSEEN 2] First unseen\r\n",
        b"* OK [UIDVALIDITY %d] UIDs valid\r\n" % uidvalidity,
        b"* OK [UIDNEXT 3] Predicted next UID\r\n",
        b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)\r\n",
        b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 \\*)]"
        b" Flags permitted\r\n",
        b"* OK [HIGHESTMODSEQ 3] Highest\r\n",
        b"A142 OK [READ-WRITE] SELECT completed\r\n",
    ]
    # RFC 3501 §6.3.2: EXAMINE is read-only and offers no permanent flags.
    lines = await wire.command(b"A932 EXAMINE inbox")
    assert b"* OK [PERMANENTFLAGS ()] Flags permitted\r\n" in lines
    assert lines[-1] == b"A932 OK [READ-ONLY] EXAMINE completed\r\n"
    assert await wire.command(b"A933 STORE 1 +FLAGS (\\Deleted)") == [
        b"A933 NO [CANNOT] Mailbox is read-only\r\n"
    ]
    assert await wire.command(b"A934 SELECT nowhere") == [
        b"A934 NO [NONEXISTENT] No such mailbox\r\n"
    ]
    # A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1).
    assert await wire.command(b"A935 FETCH 1 FLAGS") == [b"A935 BAD FETCH: No mailbox selected\r\n"]
    await wire.close()


async def test_default_special_use_folders_and_list(imap: Harness) -> None:
    wire = await imap.wire()
    # RFC 3501 §6.3.8 with CHILDREN (RFC 3348) and SPECIAL-USE (RFC 6154) attributes.
    assert await wire.command(b'A101 LIST "" *') == [
        b'* LIST (\\HasNoChildren) "/" INBOX\r\n',
        b'* LIST (\\HasNoChildren \\Archive) "/" Archive\r\n',
        b'* LIST (\\HasNoChildren \\Drafts) "/" Drafts\r\n',
        b'* LIST (\\HasNoChildren \\Junk) "/" Junk\r\n',
        b'* LIST (\\HasNoChildren \\Sent) "/" Sent\r\n',
        b'* LIST (\\HasNoChildren \\Trash) "/" Trash\r\n',
        b"A101 OK LIST completed\r\n",
    ]
    assert await wire.command(b'A102 LIST "" ""') == [
        b'* LIST (\\Noselect) "/" ""\r\n',
        b"A102 OK LIST completed\r\n",
    ]
    assert await wire.command(b'A103 LIST "" inbox') == [
        b'* LIST (\\HasNoChildren) "/" INBOX\r\n',
        b"A103 OK LIST completed\r\n",
    ]
    await wire.close()


async def test_create_rename_delete_hierarchy(imap: Harness) -> None:
    wire = await imap.wire()
    # RFC 3501 §6.3.3: superiors are created as needed; a trailing delimiter is dropped.
    assert await wire.command(b"A003 CREATE Patients/Dupont/") == [b"A003 OK CREATE completed\r\n"]
    assert await wire.command(b'A004 LIST "" Patients/%') == [
        b'* LIST (\\HasNoChildren) "/" Patients/Dupont\r\n',
        b"A004 OK LIST completed\r\n",
    ]
    assert await wire.command(b"A005 CREATE Patients") == [
        b"A005 NO [ALREADYEXISTS] mailbox Patients exists already\r\n"
    ]
    assert await wire.command(b"A006 CREATE inbox") == [
        b"A006 NO [ALREADYEXISTS] INBOX always exists\r\n"
    ]
    assert await wire.command(b'A007 CREATE "a%b"') == [
        b"A007 NO [CANNOT] Invalid mailbox name: wildcards are not allowed\r\n"
    ]
    # RFC 3501 §6.3.5: inferiors follow their parent.
    assert await wire.command(b"A683 RENAME Patients Suivis/2026") == [
        b"A683 OK RENAME completed\r\n"
    ]
    assert await wire.command(b'A684 LIST "" S*') == [
        b'* LIST (\\HasNoChildren \\Sent) "/" Sent\r\n',
        b'* LIST (\\HasChildren) "/" Suivis\r\n',
        b'* LIST (\\HasChildren) "/" Suivis/2026\r\n',
        b'* LIST (\\HasNoChildren) "/" Suivis/2026/Dupont\r\n',
        b"A684 OK LIST completed\r\n",
    ]
    assert await wire.command(b"A686 DELETE Suivis/2026") == [
        b"A686 NO [CANNOT] Mailbox has inferiors; delete them first\r\n"
    ]
    assert await wire.command(b"A687 DELETE Suivis/2026/Dupont") == [
        b"A687 OK DELETE completed\r\n"
    ]
    assert await wire.command(b"A688 DELETE INBOX") == [
        b"A688 NO [CANNOT] INBOX cannot be deleted\r\n"
    ]
    assert await wire.command(b"A689 DELETE Nowhere") == [
        b"A689 NO [NONEXISTENT] No such mailbox\r\n"
    ]
    await wire.close()


async def test_international_names_in_modified_utf7_and_utf8(imap: Harness) -> None:
    wire = await imap.wire()
    assert await wire.command(b"a1 CREATE Entw&APw-rfe") == [b"a1 OK CREATE completed\r\n"]
    assert await wire.command(b'a2 LIST "" Entw*') == [
        b'* LIST (\\HasNoChildren) "/" Entw&APw-rfe\r\n',
        b"a2 OK LIST completed\r\n",
    ]
    # RFC 6855 §3: after ENABLE UTF8=ACCEPT, names travel as UTF-8.
    await wire.command(b"a3 ENABLE UTF8=ACCEPT")
    assert await wire.command(b'a4 LIST "" Entw*') == [
        '* LIST (\\HasNoChildren) "/" "Entwürfe"\r\n'.encode(),
        b"a4 OK LIST completed\r\n",
    ]
    assert (await wire.command('a5 SELECT "Entwürfe"'.encode()))[-1].startswith(b"a5 OK")
    await wire.close()


async def test_invalid_names_get_no_not_bad(imap: Harness) -> None:
    # imaptest: a well-formed name that no mailbox can have is refused with NO (RFC 5530 §3).
    wire = await imap.wire()
    assert await wire.command(b"a1 CREATE AT&T") == [
        b"a1 NO [CANNOT] Invalid mailbox name: Mailbox name is not valid modified UTF-7\r\n"
    ]
    assert (await wire.command(b'a2 CREATE "a//b"'))[-1].startswith(b"a2 NO [CANNOT] ")
    assert await wire.command(b"a3 NOOP") == [b"a3 OK NOOP completed\r\n"]
    await wire.close()


async def test_subscriptions_and_lsub(imap: Harness) -> None:
    wire = await imap.wire()
    await wire.command(b"a1 CREATE Projets/Cardio")
    assert await wire.command(b"a2 SUBSCRIBE Projets/Cardio") == [b"a2 OK SUBSCRIBE completed\r\n"]
    # RFC 3501 §6.3.9: a superior that is not subscribed appears as \Noselect under "%".
    assert await wire.command(b'a3 LSUB "" Projets%') == [
        b'* LSUB (\\Noselect) "/" Projets\r\n',
        b"a3 OK LSUB completed\r\n",
    ]
    assert await wire.command(b'a4 LSUB "" Projets/*') == [
        b'* LSUB () "/" Projets/Cardio\r\n',
        b"a4 OK LSUB completed\r\n",
    ]
    assert await wire.command(b"a5 SUBSCRIBE nowhere") == [
        b"a5 NO [NONEXISTENT] No such mailbox\r\n"
    ]
    # RFC 5258 §5 example 4: SUBSCRIBED with RECURSIVEMATCH reports CHILDINFO.
    assert await wire.command(b'a6 LIST (SUBSCRIBED RECURSIVEMATCH) "" Projets') == [
        b'* LIST (\\HasChildren) "/" Projets ("CHILDINFO" ("SUBSCRIBED"))\r\n',
        b"a6 OK LIST completed\r\n",
    ]
    assert await wire.command(b'a7 LIST (SUBSCRIBED) "" Projets*') == [
        b'* LIST (\\HasNoChildren \\Subscribed) "/" Projets/Cardio\r\n',
        b"a7 OK LIST completed\r\n",
    ]
    await wire.close()


async def test_subscriptions_outlive_their_mailboxes(imap: Harness) -> None:
    wire = await imap.wire()
    # imaptest: a new mailbox is not subscribed unless the client subscribes it.
    await wire.command(b"b1 CREATE Notes")
    assert await wire.command(b'b2 LSUB "" Notes') == [b"b2 OK LSUB completed\r\n"]
    assert await wire.command(b'b3 LIST (SUBSCRIBED) "" Notes') == [b"b3 OK LIST completed\r\n"]
    await wire.command(b"b4 SUBSCRIBE Notes")
    await wire.command(b"b5 DELETE Notes")
    # RFC 3501 §6.3.6: deleting the mailbox leaves the name subscribed; RFC 5258 §3.4 lists it
    # as \NonExistent under SUBSCRIBED, and plain LIST no longer shows it.
    assert await wire.command(b'b6 LIST (SUBSCRIBED) "" Notes') == [
        b'* LIST (\\NonExistent \\HasNoChildren \\Subscribed) "/" Notes\r\n',
        b"b6 OK LIST completed\r\n",
    ]
    assert await wire.command(b'b7 LIST "" Notes') == [b"b7 OK LIST completed\r\n"]
    assert await wire.command(b'b8 LSUB "" Notes') == [
        b'* LSUB () "/" Notes\r\n',
        b"b8 OK LSUB completed\r\n",
    ]
    # A vanished name can still be unsubscribed (RFC 3501 §6.3.7).
    assert await wire.command(b"b9 UNSUBSCRIBE Notes") == [b"b9 OK UNSUBSCRIBE completed\r\n"]
    assert await wire.command(b'b10 LSUB "" Notes') == [b"b10 OK LSUB completed\r\n"]
    # A mailbox created again under the name is not subscribed by it.
    await wire.command(b"b11 CREATE Notes")
    assert await wire.command(b'b12 LSUB "" *') == [
        b'* LSUB () "/" INBOX\r\n',
        b'* LSUB () "/" Archive\r\n',
        b'* LSUB () "/" Drafts\r\n',
        b'* LSUB () "/" Junk\r\n',
        b'* LSUB () "/" Sent\r\n',
        b'* LSUB () "/" Trash\r\n',
        b"b12 OK LSUB completed\r\n",
    ]
    # A renamed mailbox keeps its subscription under its new name.
    await wire.command(b"b13 SUBSCRIBE Notes")
    await wire.command(b"b14 RENAME Notes Carnet")
    assert await wire.command(b'b15 LSUB "" Carnet') == [
        b'* LSUB () "/" Carnet\r\n',
        b"b15 OK LSUB completed\r\n",
    ]
    assert await wire.command(b'b16 LSUB "" Notes') == [b"b16 OK LSUB completed\r\n"]
    await wire.close()


async def test_list_extended_status_and_special_use(imap: Harness) -> None:
    await imap.deliver(simple("un"))
    await imap.deliver(simple("deux"), flags=("\\Seen",))
    wire = await imap.wire()
    # RFC 5819 §2: each LIST line is followed by the mailbox's STATUS.
    assert await wire.command(b'a1 LIST "" (INBOX Drafts) RETURN (STATUS (MESSAGES UNSEEN))') == [
        b'* LIST (\\HasNoChildren) "/" INBOX\r\n',
        b"* STATUS INBOX (MESSAGES 2 UNSEEN 1)\r\n",
        b'* LIST (\\HasNoChildren \\Drafts) "/" Drafts\r\n',
        b"* STATUS Drafts (MESSAGES 0 UNSEEN 0)\r\n",
        b"a1 OK LIST completed\r\n",
    ]
    # RFC 6154 §5.1: only the special-use mailboxes.
    lines = await wire.command(b'a2 LIST (SPECIAL-USE) "" *')
    assert [line.split(b'"/" ')[1] for line in lines[:-1]] == [
        b"Archive\r\n", b"Drafts\r\n", b"Junk\r\n", b"Sent\r\n", b"Trash\r\n",
    ]  # fmt: skip
    # RFC 6154 §5.3: CREATE with USE.
    assert await wire.command(b"a3 CREATE Brouillons2 (USE (\\Drafts))") == [
        b"a3 OK CREATE completed\r\n"
    ]
    assert await wire.command(b"a4 CREATE X (USE (\\Flagged))") == [
        b"a4 NO [USEATTR] Unsupported special-use attribute\r\n"
    ]
    assert await wire.command(b'a5 LIST "" Brouillons2 RETURN (SPECIAL-USE SUBSCRIBED)') == [
        b'* LIST (\\HasNoChildren \\Drafts) "/" Brouillons2\r\n',  # created, not subscribed
        b"a5 OK LIST completed\r\n",
    ]
    await wire.close()


async def test_status(imap: Harness) -> None:
    appended = await imap.deliver(simple("un"))
    wire = await imap.wire()
    # RFC 3501 §6.3.10 and RFC 7162 §3.1.4.
    assert await wire.command(
        b"A042 STATUS INBOX (MESSAGES UNSEEN RECENT UIDNEXT UIDVALIDITY HIGHESTMODSEQ)"
    ) == [
        b"* STATUS INBOX (MESSAGES 1 UNSEEN 1 RECENT 0 UIDNEXT 2 UIDVALIDITY %d "
        b"HIGHESTMODSEQ 2)\r\n" % appended.uidvalidity,
        b"A042 OK STATUS completed\r\n",
    ]
    assert await wire.command(b"A043 STATUS nowhere (MESSAGES)") == [
        b"A043 NO [NONEXISTENT] No such mailbox\r\n"
    ]
    await wire.close()


async def test_append_with_literals(imap: Harness) -> None:
    message = simple("afternoon meeting", "Hello Joe, do you think we can meet at 3:30 tomorrow?")
    inbox, drafts = await imap.uidvalidity("INBOX"), await imap.uidvalidity("Drafts")
    wire = await imap.wire()
    # RFC 3501 §6.3.11, with a synchronising literal.
    wire.send(
        b'A003 APPEND INBOX (\\Seen $Label) " 7-Feb-1994 21:52:25 -0800" {%d}\r\n' % len(message)
    )
    assert await wire.line() == b"+ Ready for literal\r\n"
    wire.send(message + b"\r\n")
    assert await wire.until(b"A003") == [b"A003 OK [APPENDUID %d 1] APPEND completed\r\n" % inbox]
    # RFC 7888: a non-synchronising literal needs no continuation.
    assert await wire.command(b"A004 APPEND Drafts {5+}\r\nHi!\r\n") == [
        b"A004 OK [APPENDUID %d 1] APPEND completed\r\n" % drafts
    ]
    assert await wire.command(b"A005 APPEND Nowhere {1+}\r\nx") == [
        b"A005 NO [TRYCREATE] No such mailbox\r\n"
    ]
    # RFC 3501 §2.3.2: this session is the first to see the appended message, so it is recent.
    await wire.command(b"A006 SELECT INBOX")
    lines = await wire.command(b"A007 FETCH 1 (FLAGS INTERNALDATE BODY.PEEK[])")
    assert lines[0] == (
        b'* 1 FETCH (FLAGS ($Label \\Recent \\Seen) INTERNALDATE " 8-Feb-1994 05:52:25 +0000" '
        b"BODY[] {%d}\r\n" % len(message) + message + b")\r\n"
    )
    await wire.close()


async def test_a_pattern_that_is_not_modified_utf7_lists_what_it_matches(imap: Harness) -> None:
    wire = await imap.wire()
    # RFC 3501 §6.3.8: a pattern filters names; one with a bare "&" is no error (imaptest atoms).
    assert await wire.command(b'a1 LIST "" !#$&\'+,-.0123456789:;<=>?@^_`|[}%*') == [
        b"a1 OK LIST completed\r\n"
    ]
    await wire.close()


async def test_recursivematch_suppresses_redundant_childinfo(imap: Harness) -> None:
    wire = await imap.wire()
    await wire.command(b"a1 CREATE p/c")
    await wire.command(b"a2 SUBSCRIBE p/c")
    # RFC 5258 §3.5: the parent is listed for its subscribed child...
    assert await wire.command(b'a3 LIST (SUBSCRIBED RECURSIVEMATCH) "" (p)') == [
        b'* LIST (\\HasChildren) "/" p ("CHILDINFO" ("SUBSCRIBED"))\r\n',
        b"a3 OK LIST completed\r\n",
    ]
    # ... but not when that child is listed anyway ("SHOULD suppress redundant CHILDINFO").
    assert await wire.command(b'a4 LIST (SUBSCRIBED RECURSIVEMATCH) "" (p p/c)') == [
        b'* LIST (\\HasNoChildren \\Subscribed) "/" p/c\r\n',
        b"a4 OK LIST completed\r\n",
    ]
    await wire.close()
