"""`tmse import backstage PATH` and `tmse export backstage`: files in and out, a progress bar,
and a report a person can act on."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tmse.catalog.backstage.queries import export_catalog
from tmse.catalog.backstage.service import ImportReport, import_parsed
from tmse.core.actor import Actor
from tmse.core.db import Database
from tmse.integrations.backstage import descriptor_files, parse_descriptors


def import_path(db: Database, actor: Actor, path: Path, console: Console) -> bool:
    """Import and print the report; False when any file was rejected (the others are kept)."""
    if not path.exists():
        console.print(f"[red]error:[/red] {path} does not exist")
        return False
    files = descriptor_files(path)
    if not files:
        console.print(f"[red]error:[/red] no *.yaml or *.yml files under {path}")
        return False
    columns = (TextColumn("importing"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("import", total=1)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        # Parsed before the write transaction opens: on SQLite it locks out every other writer.
        parsed = parse_descriptors(files, progress)
        with db.session() as session:
            report = import_parsed(session, actor, parsed, progress)
    print_report(report, len(files), console)
    return not report.errors


def print_report(report: ImportReport, files: int, console: Console) -> None:
    table = Table(title=f"Backstage import: {files} file{'s' if files != 1 else ''}")
    for column in ("kind", "created", "updated", "unchanged"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    kinds = sorted({*report.created, *report.updated, *report.unchanged})
    for kind in kinds:
        counts = (report.created, report.updated, report.unchanged)
        table.add_row(kind, *(str(bucket.get(kind, 0)) for bucket in counts))
    console.print(table)
    if report.skipped:
        console.print(f"skipped {len(report.skipped)} entities of kinds tmse does not map")
    if not report.errors:
        return
    for error in report.errors:
        where = f"{error['file']}:{error['line']}"
        about = " ".join(str(error[k]) for k in ("entity", "field") if error.get(k))
        console.print(f"[red]{where}[/red] {about}: {error['message']}", highlight=False)
    rejected = ", ".join(report.files_rejected)
    console.print(
        f"[red]error:[/red] {len(report.errors)} errors; nothing was imported from {rejected}"
        + (" (the other files were imported)" if report.files_imported else "")
    )


def export_to(db: Database, output: Path | None, console: Console) -> None:
    with db.session(write=False) as session:
        exported = export_catalog(session)
    if output is None:
        sys.stdout.write(exported.text)
        return
    output.write_text(exported.text, encoding="utf-8")
    console.print(f"wrote {len(exported.documents)} entities to {output}")
