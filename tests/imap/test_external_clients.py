"""mbsync (isync) and mutt against the real server, when they are installed (``.ci/run``
installs both); they run as subprocesses while the server runs on the test's event loop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import re
import shutil
import time
from pathlib import Path

import pytest

from .harness import PASSWORD, USER, Harness
from .messages import NESTED, simple


async def run(*command: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``command`` to completion; its exit status and its output."""
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, output.decode(errors="replace")


def maildir_messages(path: Path) -> list[bytes]:
    """The messages of a maildir folder as the server holds them: mbsync stores lines with LF
    and adds an X-TUID field of its own, both undone here."""
    found = []
    for item in sorted((path / "cur").iterdir()) + sorted((path / "new").iterdir()):
        data = re.sub(rb"X-TUID: [^\n]*\n", b"", item.read_bytes())
        found.append(data.replace(b"\n", b"\r\n"))
    return sorted(found)


@pytest.mark.skipif(shutil.which("mbsync") is None, reason="mbsync (isync) is not installed")
async def test_mbsync_syncs_both_ways(imap: Harness, tmp_path: Path) -> None:
    await imap.deliver(NESTED)
    await imap.deliver(simple("deux"), flags=("\\Seen",))
    local = tmp_path / "Mail"
    local.mkdir()
    config = tmp_path / "mbsyncrc"
    ca = imap.runtime.settings.data_path(imap.runtime.settings.tls.ca)
    config.write_text(
        f"IMAPAccount mss\nHost localhost\nPort {imap.tls_port}\nUser {USER}\n"
        f'Pass "{PASSWORD}"\nSSLType IMAPS\nCertificateFile {ca}\n\n'
        "IMAPStore remote\nAccount mss\n\n"
        f"MaildirStore local\nPath {local}/\nInbox {local}/INBOX\nSubFolders Verbatim\n\n"
        "Channel mss\nFar :remote:\nNear :local:\nPatterns INBOX Archive\nCreate Both\n"
        "Expunge Both\nSyncState *\nSync All\n"
    )
    status, output = await run("mbsync", "-c", str(config), "-a")
    assert status == 0, output
    assert maildir_messages(local / "INBOX") == sorted([NESTED, simple("deux")])
    # A message filed locally goes up to the server.
    note = simple("rangé localement")
    (local / "Archive" / "cur" / "1700000000.1_1.host:2,S").write_bytes(note)
    status, output = await run("mbsync", "-c", str(config), "-a")
    assert status == 0, output
    wire = await imap.wire()
    await wire.command(b"a1 SELECT Archive")
    [line, _] = await wire.command(b"a2 FETCH 1 (FLAGS BODY.PEEK[])")
    # \Recent belongs to whichever session saw the message first (RFC 3501 §2.3.2): mbsync's
    # own session or this one, depending on whether mbsync looked again after its APPEND.
    flags = re.match(rb"\* 1 FETCH \(FLAGS \(([^)]*)\) BODY\[\] \{", line)
    assert flags is not None, line
    assert set(flags.group(1).split()) - {b"\\Recent"} == {b"\\Seen"}
    assert b"Subject: rang\xc3\xa9 localement\r\n" in line
    await wire.close()


async def run_in_terminal(*command: str, env: dict[str, str], limit: float = 30) -> str:
    """Run an interactive program on a pseudo-terminal of its own, as a person would; what it
    showed. It is killed if it has not ended within ``limit`` seconds."""
    controller, terminal = pty.openpty()
    os.set_blocking(controller, False)
    screen = bytearray()
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            env=env,
            start_new_session=True,  # the terminal is the program's, not the test runner's
        )
        os.close(terminal)
        deadline = time.monotonic() + limit
        while process.returncode is None and time.monotonic() < deadline:
            with contextlib.suppress(BlockingIOError, OSError):
                screen += os.read(controller, 65536)
            await asyncio.sleep(0.05)
        if process.returncode is None:
            process.kill()
        await process.wait()
    finally:
        os.close(controller)
    return screen.decode(errors="replace")


@pytest.mark.skipif(shutil.which("mutt") is None, reason="mutt is not installed")
async def test_mutt_reads_over_imaps(imap: Harness, tmp_path: Path) -> None:
    body = "Tout s'est bien passé."
    await imap.deliver(simple("Compte-rendu opératoire", body))
    ca = imap.runtime.settings.data_path(imap.runtime.settings.tls.ca)
    saved = tmp_path / "saved.mbox"
    muttrc = tmp_path / "muttrc"
    # Once the INBOX is open, save its first message to a file and quit, as a reader would.
    muttrc.write_text(
        f'set imap_user="{USER}"\nset imap_pass="{PASSWORD}"\n'
        f'set ssl_ca_certificates_file="{ca}"\nset ssl_force_tls=yes\n'
        f'set folder="{tmp_path}"\nset confirmcreate=no\nset confirmappend=no\n'
        "set delete=no\nset move=no\nset quit=yes\n"
        'set header_cache=""\nset message_cachedir=""\n'
        f"folder-hook . 'push \"<save-message>{saved}<enter><quit>\"'\n"
    )
    url = f"imaps://localhost:{imap.tls_port}/INBOX"
    env = {**os.environ, "HOME": str(tmp_path), "TERM": "vt100"}
    screen = await run_in_terminal("mutt", "-n", "-F", str(muttrc), "-f", url, env=env)
    assert saved.exists(), screen
    assert body.encode() in saved.read_bytes()
