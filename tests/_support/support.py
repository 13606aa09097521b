"""Helpers shared by tests, importable as ``support`` (pytest's pythonpath has tests/_support)."""

from __future__ import annotations

from pathlib import Path

from mss.config import Settings, load_settings


def make_settings(data_dir: Path, database_url: str, **extra: object) -> Settings:
    """Test settings: the cheapest Argon2id, no auth delays, ports chosen by the OS."""
    data_dir.mkdir(parents=True, exist_ok=True)
    overrides: dict[str, object] = {
        "database_url": database_url,
        "security": {"argon2": "minimum", "allow_minimum_argon2": True},
        "limits": {"auth_failure_delay_seconds": 0},
        "listen": {
            "mx_port": 0,
            "submission_port": 0,
            "submissions_port": 0,
            "imap_port": 0,
            "imaps_port": 0,
            "web_port": 0,
            "web_redirect_port": 0,
            # The web tests speak plain HTTP to the app; tests/web/test_https.py covers TLS.
            "web_tls": False,
        },
    }
    overrides.update(extra)
    return load_settings(data_dir, environ={}, overrides=overrides)


def sample_message(marker: str, attachment_name: str = "compte-rendu.pdf") -> bytes:
    """A multipart message carrying ``marker`` in its subject, body and attachment filename."""
    import base64

    attachment = base64.encodebytes(b"%PDF-1.4\n" + marker.encode() + b"\n%%EOF\n").decode()
    return (
        "From: Dr Jeanne Martin <jeanne.martin@hopital.example>\r\n"
        "To: Patient <patient@hopital.example>\r\n"
        f"Subject: Résultats {marker}\r\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n"
        "Message-ID: <m1@hopital.example>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n'
        "\r\n"
        "--b1\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        f"Bonjour, voici vos résultats : {marker}.\r\n"
        "--b1\r\n"
        f'Content-Type: application/pdf; name="{marker}-{attachment_name}"\r\n'
        f'Content-Disposition: attachment; filename="{marker}-{attachment_name}"\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        f"{attachment}"
        "--b1--\r\n"
    ).encode()
