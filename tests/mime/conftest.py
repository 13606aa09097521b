"""Messages shared by the MIME tests, written out byte for byte, served as fixtures."""

from __future__ import annotations

import base64

import pytest

PDF = b"%PDF-1.4\n" + bytes(range(256)) + b"\n%%EOF\n"
PDF_BASE64 = base64.encodebytes(PDF).replace(b"\n", b"\r\n")

SIMPLE = (
    b"From: Alice Martin <alice@hopital.example>\r\n"
    b"To: bob@labo.example\r\n"
    b"Subject: Rendez-vous\r\n"
    b"Date: Mon, 3 Jun 2024 10:00:00 +0200\r\n"
    b"Message-ID: <1@hopital.example>\r\n"
    b"\r\n"
    b"Bonjour,\r\n"
    b"a demain.\r\n"
)

ALTERNATIVE = (
    b"From: alice@hopital.example\r\n"
    b'Content-Type: multipart/alternative; boundary="alt"\r\n'
    b"\r\n"
    b"--alt\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"caf\xc3\xa9\r\n"
    b"--alt\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"\r\n"
    b"<p>caf\xc3\xa9</p>\r\n"
    b"--alt--\r\n"
)

MIXED = (
    b"From: Dr Alice Martin <alice@hopital.example>\r\n"
    b"To: bob@labo.example\r\n"
    b"Subject: Results\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="outer"\r\n'
    b"\r\n"
    b"This is a multi-part message in MIME format.\r\n"
    b"--outer\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Voici les r=C3=A9sultats.\r\n"
    b"--outer\r\n"
    b"Content-Type: application/pdf; name=results.pdf\r\n"
    b"Content-Disposition: attachment; filename=results.pdf\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n" + PDF_BASE64 + b"--outer\r\n"
    b"Content-Type: message/rfc822\r\n"
    b"\r\n"
    b"From: carol@clinique.example\r\n"
    b"Subject: Fwd\r\n"
    b'Content-Type: multipart/alternative; boundary="inner"\r\n'
    b"\r\n"
    b"--inner\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"plain\r\n"
    b"--inner\r\n"
    b"Content-Type: text/html\r\n"
    b"\r\n"
    b"<p>html</p>\r\n"
    b"--inner--\r\n"
    b"--outer--\r\n"
    b"epilogue\r\n"
)

MESSAGES = {"simple": SIMPLE, "alternative": ALTERNATIVE, "mixed": MIXED}


@pytest.fixture
def simple() -> bytes:
    return SIMPLE


@pytest.fixture
def alternative() -> bytes:
    return ALTERNATIVE


@pytest.fixture
def mixed() -> bytes:
    return MIXED


@pytest.fixture
def pdf() -> bytes:
    return PDF


@pytest.fixture(params=sorted(MESSAGES))
def well_formed(request: pytest.FixtureRequest) -> bytes:
    return MESSAGES[str(request.param)]
