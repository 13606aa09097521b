"""`directory import|search|show` from the command line."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from typer.testing import CliRunner

from directory.cli import app


def test_import_search_show(generator: ModuleType, tmp_path: Path) -> None:
    source = tmp_path / "Extraction_Correspondance_MSSante_20261123.txt"
    stats = generator.write_extraction(source, 400, broken_share=0.05, seed=3)
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    report = tmp_path / "rejected.tsv"
    runner = CliRunner()

    options = ["--database-url", url, "--report", str(report), "--min-valid", "0.9"]
    imported = runner.invoke(app, ["import", str(source), *options])
    assert imported.exit_code == 0, imported.output
    broken = sum(stats.broken.values())
    assert "400 lines" in imported.output and f"{broken} rejected" in imported.output
    lines = report.read_text(encoding="utf-8").splitlines()
    assert len(lines) == broken and all(line.split("\t")[0].isdigit() for line in lines)

    found = runner.invoke(app, ["search", "martin", "--database-url", url, "--limit", "3"])
    assert found.exit_code == 0, found.output
    assert "Martin" in found.output or "MARTIN" in found.output

    address = source.read_bytes().splitlines()[1].decode().split("|")[1]
    shown = runner.invoke(app, ["show", address, "--database-url", url], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert f'"address": "{address}"' in shown.output

    unknown = runner.invoke(app, ["show", "nobody@nowhere.fr"], env={"MSS_DATABASE_URL": url})
    assert unknown.exit_code == 1 and "unknown address" in unknown.output
    missing = runner.invoke(app, ["search", "x"], env={"MSS_DATABASE_URL": ""})
    assert missing.exit_code == 2


def test_a_file_that_is_not_an_extraction(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("a|b|\n", encoding="utf-8")
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(app, ["import", str(source), "--database-url", url])
    assert result.exit_code == 1 and "missing column" in result.output


def test_too_few_valid_lines_exit_non_zero(generator: ModuleType, tmp_path: Path) -> None:
    source = tmp_path / "Extraction_Correspondance_MSSante_20261123.txt"
    generator.write_extraction(source, 50, broken_share=0.0, seed=3)
    header, body = source.read_bytes().split(b"\n", 1)
    broken = tmp_path / "broken.txt"
    broken.write_bytes(header + b"\n" + body.replace(b"|", b";", 200))
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(source), "--database-url", url]).exit_code == 0
    result = runner.invoke(app, ["import", str(broken), "--database-url", url])
    assert result.exit_code == 1 and "nothing was changed" in result.output, result.output
    assert "too few valid lines" in result.output
