"""`directory` commands: import the national extraction, search, show one address.

Wired as ``mss directory ...`` by the project's CLI; each command opens its own engine from
``--database-url`` (default: the MSS_DATABASE_URL environment variable).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from directory.errors import DirectoryError
from directory.importer import MIN_VALID_SHARE, ImportProgress, ImportReport, Outcome, Rejection
from directory.schema import create_directory_schema
from directory.service import DirectoryService

app = typer.Typer(help="The professional directory.", no_args_is_help=True)
console = Console()
T = TypeVar("T")
SHOWN_REJECTIONS = 20

DatabaseUrl = Annotated[
    str,
    typer.Option(
        "--database-url",
        envvar="MSS_DATABASE_URL",
        help="SQLAlchemy async URL, e.g. sqlite+aiosqlite:///mss.db",
    ),
]


def _run(url: str, work: Callable[[DirectoryService], Awaitable[T]]) -> T:
    if not url:
        console.print("[red]error:[/red] give --database-url or set MSS_DATABASE_URL")
        raise typer.Exit(2)

    async def main() -> T:
        engine: AsyncEngine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(create_directory_schema)
            return await work(DirectoryService(engine, ()))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except DirectoryError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    database_url: DatabaseUrl = "",
    report: Annotated[
        Path | None, typer.Option(help="Write every rejected line (number TAB reason) here.")
    ] = None,
    min_valid: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="Share of valid lines below which nothing changes."),
    ] = MIN_VALID_SHARE,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would change; write nothing.")
    ] = False,
) -> None:
    """Import a national extraction file (Extraction_Correspondance_MSSante_*.txt).

    All or nothing: unless the file is whole and at least --min-valid of its lines are valid,
    the directory is left exactly as it was and the exit status is 1.
    """
    out = report.open("w", encoding="utf-8") if report is not None else None
    shown: list[Rejection] = []

    def on_reject(rejection: Rejection) -> None:
        if len(shown) < SHOWN_REJECTIONS:
            shown.append(rejection)
        if out is not None:
            out.write(f"{rejection.line}\t{rejection.reason}\n")

    columns = (TextColumn("importing"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("import", total=file.stat().st_size)

            def on_progress(state: ImportProgress) -> None:
                progress.update(task, completed=state.bytes_read)

            result: ImportReport = _run(
                database_url,
                lambda service: service.import_file(
                    file, on_progress, on_reject, min_valid, dry_run
                ),
            )
    finally:
        if out is not None:
            out.close()
    _print_report(result, shown, report)
    if result.outcome not in (Outcome.APPLIED, Outcome.DRY_RUN):
        raise typer.Exit(1)


_REFUSALS = {
    Outcome.TOO_FEW_VALID: "too few valid lines",
    Outcome.TRUNCATED: "the file ends inside a line (truncated)",
}


def _print_report(result: ImportReport, shown: list[Rejection], report: Path | None) -> None:
    would = "" if result.applied else "would be "
    console.print(
        f"{result.lines} lines in {result.seconds:.1f} s: {result.added} {would}added, "
        f"{result.updated} {would}updated, {result.unchanged} unchanged, "
        f"{result.retired} {would}retired, {result.rejected} rejected"
    )
    refusal = _REFUSALS.get(result.outcome)
    if refusal is not None:
        console.print(
            f"[red]{refusal}: nothing was changed; fix the file and import it again[/red]"
        )
    if result.outcome is Outcome.DRY_RUN:
        console.print("dry run: nothing was changed")
    sample = result.sample
    for kind, addresses in (
        ("added", sample.added),
        ("updated", sample.updated),
        ("retired", sample.retired),
    ):
        if addresses and not result.applied:
            console.print(f"  {would}{kind}: " + ", ".join(addresses))
    for rejection in shown:
        console.print(f"  line {rejection.line}: {rejection.reason}")
    if result.rejected > len(shown):
        where = f" (all in {report})" if report else " (use --report FILE for all)"
        console.print(f"  ... {result.rejected - len(shown)} more{where}")


@app.command()
def search(
    query: Annotated[list[str], typer.Argument(help="Words, in any order; prefixes allowed.")],
    database_url: DatabaseUrl = "",
    limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
    offset: Annotated[int, typer.Option(min=0)] = 0,
) -> None:
    """Search listed entries by name, profession, specialty, city, postcode or structure."""
    page = _run(database_url, lambda service: service.search(" ".join(query), limit, offset))
    table = Table("address", "name", "profession", "specialty", "structure", "city")
    for entry in page.entries:
        org = entry.organisation
        table.add_row(
            entry.address,
            entry.display_name,
            entry.profession.label if entry.profession else "",
            entry.specialty.label if entry.specialty else "",
            (org.trade_name or org.name or "") if org else "",
            (org.address.city or "") if org else "",
        )
    console.print(table)
    if page.has_more:
        console.print(f"more results: --offset {offset + limit}")


@app.command()
def show(
    address: str,
    database_url: DatabaseUrl = "",
) -> None:
    """Show one entry (red list included: this is the operator's view) with its keys."""
    entry = _run(database_url, lambda service: service.resolve(address))
    if entry is None:
        console.print(f"[red]unknown address:[/red] {address}")
        raise typer.Exit(1)
    from directory.api import entry_out  # FastAPI's models: only for this command

    console.print_json(entry_out(entry).model_dump_json())
    if not entry.listed:
        console.print("[yellow]on the red list: never listed in searches[/yellow]")
