"""APPEND of binary content (RFC 3516 §4.3): a part holding NUL is stored re-encoded, so that
BODY[] never sends NUL in a literal (RFC 3501 §4.3) and BINARY[] gives the octets back."""

from __future__ import annotations

from .harness import Harness

HEADER = b"From: user@domain.org\r\nMime-Version: 1.0\r\nContent-Type: application/octet-stream\r\n"
OCTETS = b"\x00-\xe4\r\n\r\n"


async def test_a_binary_part_with_nul_is_stored_in_base64(imap: Harness) -> None:
    message = HEADER + b"Content-Transfer-Encoding: binary\r\n\r\n" + OCTETS
    wire = await imap.wire()
    lines = await wire.command(b"a1 APPEND INBOX ~{%d+}\r\n%s" % (len(message), message))
    assert lines[-1].startswith(b"a1 OK [APPENDUID ")
    await wire.command(b"a2 SELECT INBOX")
    stored = HEADER + b"Content-Transfer-Encoding: base64\r\n\r\nAC3kDQoNCg=="
    assert await wire.command(b"a3 FETCH 1 (BODY.PEEK[1] BODY.PEEK[])") == [
        b"* 1 FETCH (BODY[1] {12}\r\nAC3kDQoNCg== BODY[] {%d}\r\n%s)\r\n" % (len(stored), stored),
        b"a3 OK FETCH completed\r\n",
    ]
    assert (await wire.command(b"a4 FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])"))[0] == (
        b"* 1 FETCH (BINARY.SIZE[1] 7 BINARY[1] ~{7}\r\n" + OCTETS + b")\r\n"
    )
    await wire.close()


async def test_only_the_part_with_nul_is_reencoded(imap: Harness) -> None:
    """A part without a transfer-encoding field gets one; its sibling stays as it came."""
    message = (
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\nfine \xc3\xa9\r\n--b\r\n"
        b"Content-Type: application/octet-stream\r\n\r\n\x00\x01\r\n--b--\r\n"
    )
    wire = await imap.wire()
    await wire.command(b"a1 APPEND INBOX ~{%d+}\r\n%s" % (len(message), message))
    await wire.command(b"a2 SELECT INBOX")
    assert (await wire.command(b"a3 FETCH 1 (BODY.PEEK[1] BODY.PEEK[2.MIME] BODY.PEEK[2])"))[0] == (
        b"* 1 FETCH (BODY[1] {7}\r\nfine \xc3\xa9 BODY[2.MIME] {77}\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b" BODY[2] {4}\r\nAAE=)\r\n"
    )
    await wire.close()
