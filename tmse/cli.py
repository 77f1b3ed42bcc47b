"""The `tmse` command: serve, worker, db, demo, user, token, audit, backup, restore."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from tmse.core.actor import Actor
from tmse.core.db import Database
from tmse.core.errors import Problem
from tmse.core.events import load_subscribers
from tmse.settings import Settings, get_settings

app = typer.Typer(
    help="tmse — Technical Management System.", no_args_is_help=True, add_completion=False
)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="Inspect the audit log.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
import_app = typer.Typer(help="Import outside formats into tmse.", no_args_is_help=True)
export_app = typer.Typer(help="Export tmse data in outside formats.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")

console = Console(stderr=True)
# Each command imports what it runs inside its body, so `tmse --help` or `tmse token create` does
# not load every domain and the web app first.
CLI_ACTOR = Actor.system("cli")


def _database(settings: Settings | None = None) -> Database:
    """The database a command works on; its writes publish events, so subscribers load first."""
    settings = settings or get_settings()
    load_subscribers()
    return Database(settings.database_url, settings.read_database_url)


def fail(message: str, code: int = 1) -> NoReturn:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    migrate: Annotated[bool, typer.Option(help="Apply migrations before serving.")] = True,
) -> None:
    """Serve the web UI and the API."""
    from tmse.core.observability import configure_logging
    from tmse.serving import serve as serve_processes

    settings = get_settings()
    if migrate:
        _upgrade(settings)
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker keeps its own counters; a shared directory lets /metrics sum them.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tmse-metrics-")
    configure_logging(settings.log_level, settings.log_json)
    serve_processes(host, port, workers)


@app.command()
def worker(
    once: Annotated[bool, typer.Option(help="Run one scheduling round and exit.")] = False,
) -> None:
    """Run scheduled jobs; several may run, only the leader acts."""
    from tmse.core.observability import configure_logging
    from tmse.worker import run_worker

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    run_worker(settings, _database(settings), once=once)


def _upgrade(settings: Settings) -> None:
    from tmse.migrations import upgrade

    upgrade(settings.database_url)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from tmse.migrations import upgrade

    upgrade(get_settings().database_url, revision)
    console.print("[green]database is up to date[/green]")


@db_app.command("current")
def db_current() -> None:
    """Print the database's migration revision."""
    from tmse.migrations import current_revision, head_revision

    settings = get_settings()
    current = current_revision(_database(settings).engine)
    head = head_revision(settings.database_url)
    print(f"{current or '(empty database)'}{' (head)' if current == head else ''}")


@user_app.command("create")
def user_create(
    username: Annotated[str, typer.Option(help="Login name.")],
    role: Annotated[list[str], typer.Option(help="Role; repeat for several.")],
    password: Annotated[
        str | None, typer.Option(help="Password (prefer --password-stdin).")
    ] = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from stdin.")] = False,
    display_name: Annotated[str, typer.Option(help="Full name.")] = "",
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
) -> None:
    """Create a user."""
    from pydantic import ValidationError

    from tmse.core.identity.schemas import UserCreate
    from tmse.core.identity.service import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    try:
        data = UserCreate(
            username=username,
            password=password,
            roles=role,
            display_name=display_name,
            email=email,
        )
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()), 2)
        return
    try:
        with _database().session() as session:
            user = create_user(session, CLI_ACTOR, data)
            console.print(f"created user [bold]{user.username}[/bold] (id {user.id})")
    except Problem as exc:
        fail(exc.detail)


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option(help="Username the token acts as.")],
    name: Annotated[str, typer.Option(help="Label to recognise the token by.")],
) -> None:
    """Create an API token; it is printed once, alone on the last line."""
    from tmse.core.identity.credentials import create_token
    from tmse.core.identity.service import user_by_name

    with _database().session() as session:
        owner = user_by_name(session, user)
        if owner is None:
            fail(f"no user named '{user}'")
            return
        _, plaintext = create_token(session, CLI_ACTOR, owner, name)
    console.print(f"token '{name}' for {user} (store it now; it is not shown again):")
    print(plaintext)


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; exit 1 naming the first altered entry."""
    from tmse.core.audit import verify

    with _database().session(write=False) as session:
        report = verify(session)
    if report.intact:
        print(f"audit chain intact: {report.checked} entries")
        return
    fail(
        f"audit chain broken at entry {report.first_bad_id}: {report.reason} "
        f"({report.checked} entries verified before it)"
    )


@app.command()
def demo(
    size: Annotated[str, typer.Option(help="small (default) or large (benchmarks).")] = "small",
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same company.")] = 7,
    if_empty: Annotated[bool, typer.Option(help="Do nothing when users exist.")] = False,
) -> None:
    """Load the demo organisation."""
    from tmse.demo import load_demo
    from tmse.demo.steps import DemoSize

    if size not in ("small", "large"):
        fail("--size must be 'small' or 'large'", 2)
    chosen_size: DemoSize = "large" if size == "large" else "small"
    settings = get_settings()
    _upgrade(settings)
    load_demo(
        _database(settings),
        size=chosen_size,
        seed=seed,
        if_empty=if_empty,
        credentials_file=Path(settings.database_url.removeprefix("sqlite:///") + ".admin-password")
        if settings.database_url.startswith("sqlite:///")
        else Path("tmse-admin.txt"),
    )


@app.command()
def backup(file: Annotated[Path, typer.Argument(help="Backup file to write (.tmse.gz).")]) -> None:
    """Write every row of every table to a portable file."""
    from tmse.backup import BackupError, write_backup

    try:
        counts = write_backup(_database(), file)
    except BackupError as exc:
        fail(str(exc))
        return
    console.print(f"wrote {sum(counts.values())} rows from {len(counts)} tables to {file}")


@app.command()
def restore(file: Annotated[Path, typer.Argument(help="Backup file to read.")]) -> None:
    """Load a backup into an empty database (SQLite or PostgreSQL)."""
    from tmse.backup import BackupError, restore_backup

    settings = get_settings()
    try:
        counts = restore_backup(_database(settings), file)
    except BackupError as exc:
        fail(str(exc))
        return
    console.print(f"restored {sum(counts.values())} rows into {len(counts)} tables")


@import_app.command("backstage")
def import_backstage_command(
    path: Annotated[Path, typer.Argument(help="A catalog-info.yaml file, or a folder of them.")],
) -> None:
    """Import Backstage descriptors (*.yaml / *.yml, folders searched recursively)."""
    from tmse.catalog.backstage.cli import import_path

    if not import_path(_database(), CLI_ACTOR, path, console):
        raise typer.Exit(1)


@import_app.command("requirements")
def import_requirements_command(
    file: Annotated[Path, typer.Argument(help="A CSV file (UTF-8).")],
    mapping: Annotated[str, typer.Option(help="Columns: generic or jira.")] = "generic",
) -> None:
    """Import requirements from CSV: every row or, if one is malformed, none."""
    from tmse.requirements.csv_import import import_file

    if not import_file(_database(), CLI_ACTOR, file, mapping, console):
        raise typer.Exit(1)


@export_app.command("backstage")
def export_backstage_command(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Write the catalog as multi-document Backstage YAML."""
    from tmse.catalog.backstage.cli import export_to

    export_to(_database(), output, console)


standards_app = typer.Typer(help="The standards registry.", no_args_is_help=True)
app.add_typer(standards_app, name="standards")


@standards_app.command("seed")
def standards_seed() -> None:
    """Add the built-in standards that are missing; existing ones are left as they are."""
    from tmse.standards.registry.builtin import seed_builtin_standards

    with _database().session() as session:
        created = seed_builtin_standards(session, CLI_ACTOR)
    console.print(f"{created} built-in standard(s) added")
