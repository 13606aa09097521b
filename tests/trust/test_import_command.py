"""``mss trust import-whitelist`` as an operator runs it: exit statuses, reports, nothing changed
by a refused or dry run."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from health_pki import whitelist_xml

FIXTURE = Path(__file__).parent / "data" / "listeblanche.xml"
DN = "CN=mss.operateur.fr,OU=12345678900011,O=OPÉRATEUR SANTÉ,ST=Rhône (69),C=FR"


def mss(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSS_")}
    return subprocess.run(
        [sys.executable, "-m", "mss", "--data", str(data), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def init(data: Path) -> None:
    result = mss(data, "init")
    assert result.returncode == 0, result.stderr


def domains(data: Path) -> list[str]:
    with sqlite3.connect(data / "mss.db") as db:
        rows = db.execute("SELECT DISTINCT domain FROM whitelist_entries ORDER BY domain")
        return [row[0] for row in rows]


def test_import_dry_run_and_refusals(tmp_path: Path) -> None:
    data = tmp_path / "data"
    init(data)
    imported = mss(data, "trust", "import-whitelist", str(FIXTURE))
    assert imported.returncode == 0, imported.stderr
    assert "imported: 4 added, 0 removed" in imported.stdout
    assert "+ clinique-des-cevennes.mssante.fr" in imported.stdout
    four = domains(data)
    assert len(four) == 4
    summary = mss(data, "trust", "whitelist")
    assert summary.stdout.strip() == "4 whitelisted domains, 5 operator certificates"
    shown = mss(data, "trust", "whitelist", "Clinique-des-Cevennes.mssante.fr")
    assert shown.stdout.splitlines() == [
        "CN=mss.operateur-sud.fr,OU=34456789000012,O=OPÉRATEUR SUD SANTÉ,ST=Hérault (34),C=FR",
        "CN=smtp-2.operateur-sud.fr,OU=34456789000012,O=OPÉRATEUR SUD SANTÉ,ST=Hérault (34),C=FR",
    ]

    smaller = tmp_path / "smaller.xml"
    smaller.write_bytes(whitelist_xml([("ch-saint-etienne.mssante.fr", DN)]))
    dry = mss(data, "trust", "import-whitelist", str(smaller), "--dry-run", "--force")
    assert dry.returncode == 0, dry.stderr
    assert "would change: 0 added, 3 removed, 1 with other operator certificates" in dry.stdout
    assert domains(data) == four, "a dry run changes nothing"

    refused = mss(data, "trust", "import-whitelist", str(smaller))
    assert refused.returncode == 1
    assert "would remove 3 of 4 domains" in refused.stderr
    assert domains(data) == four

    hostile = tmp_path / "hostile.xml"
    hostile.write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<ListeBlancheMSSante xmlns='https://listeblanche.mssante.fr/schema'><ListeDomaines>"
        b"<Domaine><Nom>&e;</Nom></Domaine></ListeDomaines></ListeBlancheMSSante>"
    )
    rejected = mss(data, "trust", "import-whitelist", str(hostile), "--force")
    assert rejected.returncode == 1
    assert "DTD" in rejected.stderr
    assert domains(data) == four

    forced = mss(data, "trust", "import-whitelist", str(smaller), "--force")
    assert forced.returncode == 0, forced.stderr
    assert domains(data) == ["ch-saint-etienne.mssante.fr"]
