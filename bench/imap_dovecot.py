"""A throw-away Dovecot holding the same messages as the MSS under test (bench/imap.py).

Started as its own master (``dovecot -F -c``) with a configuration in a temporary directory, on
a spare port, with a self-signed certificate; mail is a Maildir owned by ``nobody`` (Dovecot
refuses to access mail as root). Nothing outside the temporary directory is touched.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import subprocess
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "bench"
PASSWORD = "bench-password"


def installed() -> bool:
    return Path(DOVECOT).exists()


def _config(root: Path, port: int) -> str:
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain
default_login_user = dovenull
default_internal_user = dovecot
passdb {{
  driver = passwd-file
  args = {root}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
"""


def write_maildir(root: Path, folders: dict[str, list[bytes]]) -> None:
    """Each folder's messages as Maildir files, in order (INBOX is the Maildir itself)."""
    nobody = pwd.getpwnam("nobody")
    root.chmod(0o755)  # Dovecot's auth and mail processes run as other users
    maildir = root / "home" / USER / "Maildir"
    for name, messages in folders.items():
        base = maildir if name == "INBOX" else maildir / f".{name}"
        for sub in ("cur", "new", "tmp"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        for number, raw in enumerate(messages):
            (base / "cur" / f"{1_700_000_000 + number}.M{number}P1.bench:2,").write_bytes(
                raw.replace(b"\r\n", b"\n")
            )
    for path in [root / "home", *(root / "home").rglob("*")]:
        os.chown(path, nobody.pw_uid, nobody.pw_gid)


def configure(root: Path, port: int) -> None:
    """Certificate, password file and configuration for a Dovecot in ``root`` on ``port``."""
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-keyout", str(root / "key.pem"),
            "-out", str(root / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    (root / "dovecot.conf").write_text(_config(root, port))


async def start(root: Path) -> asyncio.subprocess.Process:
    """Start the Dovecot :func:`configure` prepared in ``root``, in the foreground."""
    return await asyncio.create_subprocess_exec(
        DOVECOT, "-F", "-c", str(root / "dovecot.conf"),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
