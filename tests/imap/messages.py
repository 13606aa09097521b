"""Messages the transcript tests deliver and fetch back."""

from __future__ import annotations

# A multipart/mixed with a quoted-printable UTF-8 text part and a forwarded message/rfc822.
NESTED = (
    b"From: Dr Martin <martin@hopital.example>\r\n"
    b"To: jeanne@hopital.example\r\n"
    b"Subject: =?utf-8?q?Compte-rendu_transf=C3=A9r=C3=A9?=\r\n"
    b"Date: Tue, 24 Nov 2026 09:30:00 +0100\r\n"
    b"Message-ID: <fwd@hopital.example>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=outer\r\n"
    b"\r\n"
    b"--outer\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Voir le compte-rendu ci-joint, r=C3=A9dig=C3=A9 hier.\r\n"
    b"--outer\r\n"
    b"Content-Type: message/rfc822\r\n"
    b"\r\n"
    b"From: Labo <labo@hopital.example>\r\n"
    b"Subject: Analyse\r\n"
    b"Content-Type: text/plain; charset=us-ascii\r\n"
    b"\r\n"
    b"Glycemie normale.\r\n"
    b"--outer--\r\n"
)

TEXT_PART = b"Voir le compte-rendu ci-joint, r=C3=A9dig=C3=A9 hier."
INNER_MESSAGE = (
    b"From: Labo <labo@hopital.example>\r\n"
    b"Subject: Analyse\r\n"
    b"Content-Type: text/plain; charset=us-ascii\r\n"
    b"\r\n"
    b"Glycemie normale."
)


def simple(subject: str, body: str = "Bonjour.", sender: str = "a@hopital.example") -> bytes:
    """A one-part message."""
    return (
        f"From: {sender}\r\nTo: jeanne@hopital.example\r\nSubject: {subject}\r\n"
        f"Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n\r\n{body}\r\n"
    ).encode()
