"""The ``mss`` command as an operator runs it: a real process, real files, exit statuses."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PASSWORD = "correct horse battery"


def mss(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSS_")}
    return subprocess.run(
        [sys.executable, "-m", "mss", "--data", str(data), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def init(data: Path) -> None:
    result = mss(data, "init")
    assert result.returncode == 0, result.stderr
    (data / "mss.toml").write_text(
        (data / "mss.toml")
        .read_text()
        .replace('argon2 = "moderate"', 'argon2 = "minimum"\nallow_minimum_argon2 = true')
    )


def test_init_creates_config_certificates_and_schema(tmp_path: Path) -> None:
    init(tmp_path)
    for name in ("mss.toml", "mss.db", "tls/ca.pem", "tls/server.pem", "tls/server.key"):
        assert (tmp_path / name).exists(), name
    assert (tmp_path / "tls/server.key").stat().st_mode & 0o077 == 0
    assert mss(tmp_path, "init").returncode == 0, "init runs again safely"


def test_accounts_and_app_passwords_lifecycle(tmp_path: Path) -> None:
    init(tmp_path)
    assert mss(tmp_path, "domain", "add", "hopital.example").returncode == 0
    created = mss(
        tmp_path,
        "account",
        "add",
        "dr.a@hopital.example",
        "--kind",
        "professional",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    assert "recovery key" in created.stdout
    recovery = created.stdout.rsplit(": ", 1)[1].strip()

    added = mss(
        tmp_path,
        "app-password",
        "add",
        "dr.a@hopital.example",
        "--label",
        "Thunderbird",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    listed = mss(tmp_path, "app-password", "list", "dr.a@hopital.example")
    assert "Thunderbird" in listed.stdout
    credential_id = listed.stdout.split("\t", 1)[0]
    assert (
        mss(tmp_path, "app-password", "revoke", "dr.a@hopital.example", credential_id).returncode
        == 0
    )
    assert "Thunderbird" not in mss(tmp_path, "app-password", "list", "dr.a@hopital.example").stdout

    changed = mss(
        tmp_path,
        "passwd",
        "dr.a@hopital.example",
        "--password-stdin",
        stdin=f"{recovery}\nanother long password\n",
    )
    assert changed.returncode == 0, changed.stderr


def test_operator_errors_are_one_clear_line_and_exit_1(tmp_path: Path) -> None:
    missing = mss(tmp_path / "nowhere", "domain", "list")
    assert missing.returncode == 1
    assert "run `mss init` first" in missing.stderr
    assert "Traceback" not in missing.stderr

    init(tmp_path)
    unknown_domain = mss(
        tmp_path,
        "account",
        "add",
        "x@nowhere.example",
        "--kind",
        "patient",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert unknown_domain.returncode == 1
    assert "error: domain nowhere.example is not served here" in unknown_domain.stderr

    mss(tmp_path, "domain", "add", "hopital.example")
    duplicate = mss(tmp_path, "domain", "add", "hopital.example")
    assert duplicate.returncode == 1 and "exists already" in duplicate.stderr

    wrong = mss(
        tmp_path,
        "app-password",
        "add",
        "x@hopital.example",
        "--label",
        "l",
        "--password-stdin",
        stdin="whatever password\n",
    )
    assert wrong.returncode == 1 and "authentication failed" in wrong.stderr

    bad_kind = mss(tmp_path, "account", "add", "y@hopital.example", "--kind", "doctor")
    assert bad_kind.returncode == 2 and "doctor" in bad_kind.stderr


def test_every_command_has_help(tmp_path: Path) -> None:
    commands = (
        [],
        ["init"],
        ["domain", "add"],
        ["account", "add"],
        ["app-password", "revoke"],
        ["passwd"],
        ["serve"],
        ["demo"],
    )
    # Each is its own process; they run side by side, since each mostly waits for its imports.
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda command: mss(tmp_path, *command, "--help"), commands))
    for command, result in zip(commands, results, strict=True):
        assert result.returncode == 0 and "Usage" in result.stdout, command


def test_api_keys_lifecycle(tmp_path: Path) -> None:
    """A key is printed once, listed by identifier only, revoked; a professional gets none."""
    init(tmp_path)
    assert mss(tmp_path, "domain", "add", "labo.example").returncode == 0
    for address, kind in (
        ("resultats@labo.example", "organisation"),
        ("dr@labo.example", "professional"),
    ):
        created = mss(
            tmp_path,
            "account",
            "add",
            address,
            "--kind",
            kind,
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        assert created.returncode == 0, created.stderr
    add = ("api-key", "add", "--label", "Logiciel", "--password-stdin")
    added = mss(
        tmp_path, *add, "resultats@labo.example", "--scope", "send,status", stdin=PASSWORD + "\n"
    )
    assert added.returncode == 0, added.stderr
    key = added.stdout.split(": ", 1)[1].split()[0]
    assert key.startswith("mss_")
    listed = mss(tmp_path, "api-key", "list", "resultats@labo.example").stdout
    identifier = listed.split("\t", 1)[0]
    assert "Logiciel" in listed and "send,status" in listed and "active" in listed
    assert key not in listed and key.rpartition("_")[2] not in listed
    assert mss(tmp_path, "api-key", "revoke", identifier).returncode == 0
    assert "revoked" in mss(tmp_path, "api-key", "list", "resultats@labo.example").stdout
    assert mss(tmp_path, "api-key", "revoke", identifier).returncode == 1

    refused = mss(tmp_path, *add, "dr@labo.example", "--scope", "send", stdin=PASSWORD + "\n")
    assert refused.returncode == 1 and refused.stderr.startswith("error:")
    unknown = mss(tmp_path, *add, "resultats@labo.example", "--scope", "all", stdin=PASSWORD + "\n")
    assert unknown.returncode == 1 and "all" in unknown.stderr
