"""`tmse demo`: a believable company built by registered steps; domains add steps of their own."""

# A domain adds demo data with `register_step(name, fn, order)` in a module listed in
# `STEP_MODULES`; the organisation step runs at order 100, so later steps find its ids in
# `ctx.created` / `ctx.named`.

from __future__ import annotations

import importlib
import random
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tmse.core.actor import Actor
from tmse.core.db import Database
from tmse.core.identity import service
from tmse.core.pagination import ListParams
from tmse.demo.sign_in import new_password, print_sign_in, read_password, write_sign_in
from tmse.demo.steps import DemoContext, DemoSize, register_step, registered_steps

__all__ = ["STEP_MODULES", "DemoContext", "load_demo", "register_step"]

# Modules whose import registers demo steps; a domain appends its own (e.g. "tmse.catalog.demo").
STEP_MODULES: list[str] = [
    "tmse.demo.org",
    "tmse.catalog.demo",
    "tmse.standards.decisions.demo",
    "tmse.standards.registry.demo",
    "tmse.standards.scorecards.demo",
    "tmse.standards.reviews.demo",
    "tmse.delivery.demo",
    "tmse.requirements.demo",
    "tmse.requirements.review.demo",
    "tmse.requirements.baselines.demo",
    "tmse.requirements.changes.demo",
    "tmse.requirements.kano.demo",
    "tmse.strategy.demo",
    "tmse.devops.demo",
    "tmse.devops.canary.demo",
]
DEMO_ACTOR = Actor.system("demo")


def load_demo(
    db: Database,
    size: DemoSize = "small",
    seed: int = 7,
    if_empty: bool = False,
    credentials_file: Path = Path("tmse-admin.txt"),
    console: Console | None = None,
) -> DemoContext | None:
    """Run every registered step into an empty database and print how to sign in; with
    `if_empty`, a database that has users is left alone. Exits 1 if it has users otherwise."""
    console = console or Console()
    if _has_users(db):
        if not if_empty:
            console.print(
                "[red]error:[/red] the database already has users; "
                "the demo loads into an empty database only"
            )
            raise SystemExit(1)
        console.print("The database already has users; the demo was not loaded.")
        print_sign_in(console, read_password(credentials_file), credentials_file)
        return None
    for module in STEP_MODULES:
        importlib.import_module(module)
    password = new_password()
    ctx = DemoContext(db, random.Random(), size, DEMO_ACTOR, password)  # noqa: S311
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description:<16}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        for step in registered_steps():
            # A generator per step, so adding a step leaves the data of the others unchanged.
            ctx.random = random.Random(f"{seed}:{step.name}")  # noqa: S311 - demo data
            ctx.progress, ctx.task = progress, progress.add_task(step.name, total=None)
            step.run(ctx)
    write_sign_in(credentials_file, password)
    console.print(
        f"Demo ({size}, seed {seed}) loaded in {time.perf_counter() - started:.1f} s: "
        f"{len(ctx.created['department'])} departments, {len(ctx.created['team'])} "
        f"teams, {len(ctx.created['user'])} users."
    )
    print_sign_in(console, password, credentials_file)
    return ctx


def _has_users(db: Database) -> bool:
    with db.session(write=False) as session:
        return service.list_users(session, ListParams(limit=1))[1] > 0
