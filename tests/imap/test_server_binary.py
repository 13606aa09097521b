"""BINARY (RFC 3516): FETCH BINARY[part], BINARY.SIZE and partial ranges, byte for byte."""

from __future__ import annotations

from .harness import Harness

MESSAGE = (
    b"From: Labo <labo@hopital.example>\r\n"
    b"Subject: Resultats\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n'
    b"\r\n"
    b"--b\r\n"
    b"Content-Type: text/plain; charset=us-ascii\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Glyc=C3=A9mie  \r\nnor=\r\nmale = \t\r\nok\r\n"
    b"--b\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n"
    b"AAECAw==\r\n"
    b"--b\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Content-Transfer-Encoding: x-uuencode\r\n"
    b"\r\n"
    b"begin 644 x\r\n"
    b"--b--\r\n"
)


async def test_binary_fetch_undoes_the_transfer_encoding(imap: Harness) -> None:
    await imap.deliver(MESSAGE)
    wire = await imap.wire()
    assert b" BINARY " in (await wire.command(b"c1 CAPABILITY"))[0]
    await wire.command(b"a1 SELECT INBOX")
    # RFC 3516 §4.2 and RFC 2045 §6.7: quoted-printable decoded, trailing blanks dropped, "= "
    # before a line break a soft break.
    text = "Glycémie\r\nnormale ok".encode()  # the CRLF before the boundary is not the part's
    assert await wire.command(b"a2 FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])") == [
        b"* 1 FETCH (BINARY.SIZE[1] %d BINARY[1] {%d}\r\n%s)\r\n" % (len(text), len(text), text),
        b"a2 OK FETCH completed\r\n",
    ]
    # Decoded octets holding NUL come as a literal8 (RFC 3516 §4.2), others as a literal; a
    # partial range counts decoded octets.
    assert (await wire.command(b"a3 FETCH 1 (BINARY.PEEK[2] BINARY.PEEK[2]<1.2>)"))[0] == (
        b"* 1 FETCH (BINARY[2] ~{4}\r\n\x00\x01\x02\x03 BINARY[2]<1> {2}\r\n\x01\x02)\r\n"
    )
    assert (await wire.command(b"a4 FETCH 1 (BINARY.PEEK[9])"))[0] == (
        b"* 1 FETCH (BINARY[9] NIL)\r\n"
    )
    # RFC 3516 §4.3: an encoding the server cannot undo.
    assert await wire.command(b"a5 FETCH 1 (BINARY.PEEK[3])") == [
        b"a5 NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding\r\n"
    ]
    assert (await wire.command(b"a6 FETCH 1 FLAGS"))[0] == b"* 1 FETCH (FLAGS ())\r\n"
    # Without PEEK, BINARY sets \Seen like BODY[] (RFC 3516 §4.2).
    lines = await wire.command(b"a7 FETCH 1 (BINARY[2])")
    assert lines[0].startswith(b"* 1 FETCH (BINARY[2] ~{4}") and b"\\Seen" in lines[0]
    assert (await wire.command(b"a8 FETCH 1 (BINARY.PEEK[1.MIME])"))[0].startswith(b"a8 BAD")
    await wire.close()
