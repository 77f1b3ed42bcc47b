"""Backstage import of N entities (default 10,000) into a fresh SQLite database.

Generates groups, domains, systems, components (with dependsOn and consumesApis), resources and
APIs as multi-document YAML files of 100 entities each, imports them with a progress bar
through `tmse.catalog.backstage.service.import_backstage`, then re-imports the same files (every
record found unchanged) and checks the audit chain. Prints seconds and entities/s; writes
benchmarks/results/catalog_import.json. Target: the first import ≤ 30 s. Exit status 1 when the
target is missed or the import reports errors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tmse.catalog.backstage.service import import_backstage
from tmse.core.actor import Actor
from tmse.core.audit import verify
from tmse.core.db import Database
from tmse.migrations import upgrade

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_S = 30.0
PER_FILE = 100
LAYERS = ("frontend", "gateway", "business", "data", "infrastructure")
console = Console(width=None if sys.stdout.isatty() else 120)
# CPU seconds of this process per step: on a shared, busy machine wall time also counts waiting.
CPU_SECONDS: dict[str, float] = {}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--output", type=Path, default=RESULTS / "catalog_import.json")
    return parser.parse_args()


def _document(kind: str, name: str, spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": kind,
        "metadata": {"name": name, **metadata},
        "spec": spec,
    }


def generated_catalog(total: int, seed: int) -> list[dict[str, Any]]:
    """1 % groups, 1 % domains, 3 % systems, 65 % components, 15 % resources, 15 % APIs."""
    rng = random.Random(seed)
    groups = [f"team-{i:03}" for i in range(max(2, total // 100))]
    domains = [f"domain-{i:03}" for i in range(max(1, total // 100))]
    systems = [f"system-{i:04}" for i in range(max(1, total * 3 // 100))]
    stores = [f"store-{i:05}" for i in range(total * 15 // 100)]
    apis = [f"api-{i:05}" for i in range(total * 15 // 100)]
    used = len(groups) + len(domains) + len(systems) + len(stores) + len(apis)
    components = [f"svc-{i:05}" for i in range(max(1, total - used))]
    documents = [
        _document("Group", name, {"type": "team", "children": []}, description=f"Team {i}")
        for i, name in enumerate(groups)
    ]
    documents += [_document("Domain", d, {"owner": rng.choice(groups)}) for d in domains]
    documents += [
        _document("System", s, {"owner": rng.choice(groups), "domain": rng.choice(domains)})
        for s in systems
    ]
    providers = {api: rng.choice(components) for api in apis}
    provided: dict[str, list[str]] = {}
    for api, component in providers.items():
        provided.setdefault(component, []).append(api)
    for i, name in enumerate(components):
        spec: dict[str, Any] = {
            "type": "service",
            "lifecycle": rng.choice(("production", "production", "experimental")),
            "owner": rng.choice(groups),
            "system": rng.choice(systems),
            "dependsOn": sorted(
                {f"component:{rng.choice(components[:i])}" for _ in range(2) if i}
                | {f"resource:{rng.choice(stores)}"}
            ),
            "consumesApis": sorted({rng.choice(apis) for _ in range(2)}),
        }
        if name in provided:
            spec["providesApis"] = provided[name]
        annotations = {"tmse.io/layer": LAYERS[i % len(LAYERS)], "example.com/cost-centre": "42"}
        documents.append(
            _document("Component", name, spec, annotations=annotations, tags=["generated"])
        )
    documents += [
        _document(
            "Resource",
            s,
            {"type": "database", "owner": rng.choice(groups), "system": rng.choice(systems)},
            annotations={"tmse.io/engine": rng.choice(("postgresql", "mysql", "redis"))},
        )
        for s in stores
    ]
    definition = "openapi: 3.0.3\ninfo: {title: Generated, version: 1.0.0}\npaths: {}\n"
    documents += [
        _document(
            "API",
            a,
            {
                "type": "openapi",
                "lifecycle": "production",
                "owner": rng.choice(groups),
                "definition": definition,
            },
        )
        for a in apis
    ]
    return documents


def as_files(documents: list[dict[str, Any]]) -> dict[str, str]:
    return {
        f"catalog-{start // PER_FILE:04}.yaml": yaml.safe_dump_all(
            documents[start : start + PER_FILE], sort_keys=False
        )
        for start in range(0, len(documents), PER_FILE)
    }


def timed_import(db: Database, files: dict[str, str], label: str) -> tuple[float, Any]:
    columns = (TextColumn(label), BarColumn(), TextColumn("{task.percentage:>3.0f}%"))
    with Progress(*columns, TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task(label, total=1)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        start, cpu = time.perf_counter(), time.process_time()
        with db.session() as session:
            report = import_backstage(session, Actor.system("benchmark"), files, progress)
        CPU_SECONDS[label] = time.process_time() - cpu
        return time.perf_counter() - start, report


def main() -> int:
    options = arguments()
    documents = generated_catalog(options.entities, options.seed)
    files = as_files(documents)
    size_mb = sum(len(t) for t in files.values()) / 1e6
    with tempfile.TemporaryDirectory() as folder:
        url = options.database_url or f"sqlite:///{Path(folder) / 'tmse.db'}"
        upgrade(url)
        db = Database(url)
        first_s, first = timed_import(db, files, "import")
        again_s, again = timed_import(db, files, "re-import")
        start = time.perf_counter()
        with db.session(write=False) as session:
            chain = verify(session)
        verify_s = time.perf_counter() - start
        db.dispose()
    load = os.getloadavg()[0]
    rows = [
        ("first import", first_s, f"{len(documents) / first_s:,.0f} entities/s"),
        ("re-import (all unchanged)", again_s, f"{len(documents) / again_s:,.0f} entities/s"),
        ("audit verify", verify_s, f"{chain.checked:,} entries, intact={chain.intact}"),
    ]
    cpu = {"import": CPU_SECONDS["import"], "re-import": CPU_SECONDS["re-import"]}
    table = Table(
        title=f"Backstage import: {len(documents):,} entities, {len(files)} files, {size_mb:.1f} MB"
    )
    table.add_column("step")
    table.add_column("s", justify="right")
    table.add_column("detail")
    for name, seconds, detail in rows:
        table.add_row(name, f"{seconds:.2f}", detail)
    console.print(table)
    console.print(
        f"CPU seconds of this process: import {cpu['import']:.2f}, re-import "
        f"{cpu['re-import']:.2f}; load average at the end {load:.1f} on {os.cpu_count()} CPUs"
    )
    console.print(f"created: {first.created}")
    errors = first.errors + again.errors
    for error in errors[:10]:
        console.print(f"[red]{error}[/red]")
    met = first_s <= TARGET_S and not errors and chain.intact
    report = {
        "entities": len(documents),
        "files": len(files),
        "megabytes": round(size_mb, 2),
        "database": "sqlite" if options.database_url is None else "given",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "seconds": {name: round(seconds, 3) for name, seconds, _ in rows},
        "cpu_seconds": {name: round(seconds, 3) for name, seconds in cpu.items()},
        "load_average": round(load, 2),
        "cpus": os.cpu_count(),
        "entities_per_second": round(len(documents) / first_s),
        "created": first.created,
        "unchanged_on_reimport": again.unchanged,
        "errors": len(errors),
        "target_s": TARGET_S,
        "targets_met": met,
    }
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(report, indent=2) + "\n")
    console.print("target met" if met else "[red]target missed[/red]")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
