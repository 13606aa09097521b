"""Real client libraries against the real server: imaplib and imapclient (blocking, run in a
thread while the server runs on the test's event loop) and aioimaplib (implicit TLS)."""

from __future__ import annotations

import asyncio
import imaplib
import ssl
import time
from typing import Any

import aioimaplib
from imapclient import IMAPClient

from .harness import PASSWORD, USER, Harness
from .messages import INNER_MESSAGE, NESTED, TEXT_PART, simple


def ok(response: tuple[str, list[Any]]) -> list[Any]:
    """The data of an imaplib response that must have succeeded."""
    status, data = response
    assert status == "OK", data
    return data


def imaplib_session(port: int, context: ssl.SSLContext) -> None:
    """STARTTLS on the plain port, then a tour of the commands a mail client uses."""
    with imaplib.IMAP4("127.0.0.1", port) as client:
        client.starttls(ssl_context=context)
        client.login(USER, PASSWORD)
        assert ok(client.select("INBOX")) == [b"2"]
        assert b'"MESSAGE" "RFC822"' in ok(client.fetch("1", "(BODYSTRUCTURE)"))[0]
        data = ok(client.fetch("1", "(BODY.PEEK[1] BODY.PEEK[2]<0.10>)"))
        assert data[0] == (b"1 (BODY[1] {%d}" % len(TEXT_PART), TEXT_PART)
        assert data[1] == (b" BODY[2]<0> {10}", INNER_MESSAGE[:10])
        data = ok(client.uid("FETCH", "1:*", "(FLAGS RFC822.SIZE)"))
        assert data[0] == b"1 (UID 1 FLAGS () RFC822.SIZE %d)" % len(NESTED)
        # RFC 3501 §6.4.4: the search string as a literal, in UTF-8.
        client.literal = "rédigé".encode()  # type: ignore[assignment]
        assert ok(client.search("UTF-8", "BODY")) == [b"1"]
        assert ok(client.search(None, "SENTSINCE", "24-Nov-2026")) == [b"1"]
        assert ok(client.search(None, "FROM", '"clinique"')) == [b"2"]
        ok(client.store("2", "+FLAGS", "(\\Flagged)"))
        assert ok(client.copy("1:2", "Archive"))[0].startswith(b"[COPYUID ")
        ok(client.uid("MOVE", "2", "Trash"))
        assert ok(client.status("Trash", "(MESSAGES)")) == [b"Trash (MESSAGES 1)"]
        ok(client.create("Dossiers/Cardiologie"))
        ok(client.subscribe("Dossiers"))
        ok(client.rename("Dossiers", "Suivi"))
        assert ok(client.list('""', "Suivi*")) == [
            b'(\\HasChildren) "/" Suivi',
            b'(\\HasNoChildren) "/" Suivi/Cardiologie',
        ]
        ok(client.delete("Suivi/Cardiologie"))
        assert ok(client.lsub('""', "Suivi*")) == [b'() "/" Suivi']
        appended = ok(client.append("INBOX", "(\\Seen)", None, simple("imaplib")))
        assert appended[0].startswith(b"[APPENDUID ")
        ok(client.store("1", "+FLAGS", "(\\Deleted)"))
        # imaplib also returns the EXPUNGE that followed the UID MOVE above.
        assert ok(client.expunge()) == [b"2", b"1"]
        assert ok(client.uid("SEARCH", "ALL")) == [b"3"]
        ok(client.close())
        client.logout()


async def test_imaplib(imap: Harness) -> None:
    await imap.deliver(NESTED)
    await imap.deliver(simple("Rappel", "Rendez-vous mardi.", "secretariat@clinique.example"))
    await asyncio.to_thread(imaplib_session, imap.port, imap.client_tls)


def imapclient_session(port: int, context: ssl.SSLContext) -> None:
    """Implicit TLS, and the library's own view of responses."""
    with IMAPClient("127.0.0.1", port, ssl=True, ssl_context=context, timeout=5) as client:
        client.login(USER, PASSWORD)
        assert b"MOVE" in client.capabilities()
        info = client.select_folder("INBOX")
        assert info[b"EXISTS"] == 2 and info[b"UIDNEXT"] == 3
        fetched = client.fetch([1, 2], ["ENVELOPE", "FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
        assert fetched[2][b"ENVELOPE"].subject == b"Rappel"
        assert fetched[1][b"BODY[HEADER.FIELDS (SUBJECT)]"].startswith(b"Subject: =?utf-8?q?")
        structure = client.fetch([1], ["BODYSTRUCTURE"])[1][b"BODYSTRUCTURE"]
        assert structure.is_multipart
        assert client.search(["UNSEEN", "TEXT", "mardi"]) == [2]
        client.add_flags([2], [b"$Urgent"])
        assert client.get_flags([2]) == {2: (b"$Urgent",)}
        client.copy([1], "Archive")
        client.move([2], "Trash")
        assert client.search("ALL") == [1]
        client.create_folder("Patients/Dupont")
        assert client.folder_exists("Patients/Dupont")
        client.rename_folder("Patients/Dupont", "Patients/Durand")
        names = [name for _, _, name in client.list_folders("", "Patients/*")]
        assert names == ["Patients/Durand"]
        assert client.folder_status("Trash", ["MESSAGES"])[b"MESSAGES"] == 1
        client.delete_folder("Patients/Durand")
        client.append("Drafts", simple("brouillon"), flags=[b"\\Draft"])
        client.select_folder("Drafts")
        client.add_flags([1], [b"\\Deleted"])
        client.expunge()
        assert client.search("ALL") == []
        client.logout()


async def test_imapclient(imap: Harness) -> None:
    await imap.deliver(NESTED)
    await imap.deliver(simple("Rappel", "Rendez-vous mardi.", "secretariat@clinique.example"))
    await asyncio.to_thread(imapclient_session, imap.tls_port, imap.client_tls)


async def test_aioimaplib_with_idle(imap: Harness) -> None:
    await imap.deliver(simple("un"))
    client = aioimaplib.IMAP4_SSL("127.0.0.1", imap.tls_port, ssl_context=imap.client_tls)
    await client.wait_hello_from_server()
    assert (await client.login(USER, PASSWORD)).result == "OK"
    selected = await client.select("INBOX")
    assert selected.result == "OK" and b"1 EXISTS" in selected.lines
    fetched = await client.fetch("1", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    assert fetched.result == "OK" and bytearray(b"Subject: un\r\n\r\n") in fetched.lines
    idle = await client.idle_start(timeout=5)
    started = time.monotonic()
    await imap.deliver(simple("deux"))
    pushed = await client.wait_server_push()
    assert b"2 EXISTS" in pushed
    assert time.monotonic() - started < 1.0
    client.idle_done()
    assert (await asyncio.wait_for(idle, 5)).result == "OK"
    assert (await client.uid_search("ALL")).lines[0] == b"1 2"
    assert (await client.logout()).result == "OK"
