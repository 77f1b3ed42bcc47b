"""The catalog at scale: `tmse demo --size large` (≥ 10,000 services, ≥ 50,000 dependencies) on a
fresh SQLite database, then the four acceptance figures of the catalog.

(a) blast radius of `core-identity` through `tmse.catalog.graph.checks.blast_radius` in process and
    through `GET /api/v1/catalog/services/core-identity/blast-radius` — target ≤ 100 ms;
(b) the full cycle and layering check, in process and `GET /api/v1/catalog/checks/graph` —
    target ≤ 1 s;
(c) Backstage import of 10,000 generated entities through `import_backstage`, with a progress
    bar, into the loaded database — target ≤ 30 s;
(d) P95 of the catalog list page (`GET /catalog`, HTML, signed in) and of
    `GET /api/v1/catalog/services` under 20 closed-loop clients for 10 s against `tmse serve` —
    target ≤ 100 ms.
The graph and each blast radius are kept per process until the next audited write
(`tmse.catalog.graph.cache`): (a) and (b) are measured cold (dropped first, as after a write)
and repeated. Single HTTP requests carry a unique query parameter so neither the read cache nor
the kept catalog pages answer them (`catalog_page_http_unkept` is the page's rendering cost);
under load the 20 clients share one signed-in session, so the page is rendered once per worker.
Prints a table; writes benchmarks/results/catalog.json. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from api_latency import start_server, stop, tmse, token_factory
from http_load import run_load
from process_tree import cpu_seconds
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tmse.catalog.graph import checks
from tmse.core import version_memo
from tmse.core.actor import Actor
from tmse.core.db import Database
from tmse.demo.sign_in import read_password

RESULTS = Path(__file__).resolve().parent / "results"
CORE = "core-identity"
BLAST_MS, GRAPH_MS, IMPORT_S, LIST_P95_MS = 100.0, 1000.0, 30.0, 100.0
console = Console(width=None if sys.stdout.isatty() else 150)
STEP_LINE = re.compile(r"^(?P<step>[a-z][\w-]*)\s.*\s(?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d)\s*$")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent closed-loop clients")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per page")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds excluded first")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each single measurement")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--entities", type=int, default=10_000, help="Backstage entities")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep-db", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--workdir", type=Path, help="use (and keep) this folder; a database there is reused"
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "catalog.json")
    return parser.parse_args()


def timings(
    function: Callable[[], Any], repeat: int, cpu: Callable[[], float] = time.process_time
) -> dict[str, float]:
    """Milliseconds of `repeat` runs: the first, the best and the median wall time, and the
    median CPU time `cpu` counts (this process, or the server's) — on a busy machine wall time
    includes waiting for a core, CPU time does not."""
    runs, cpu_runs = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), cpu()
        function()
        runs.append((time.perf_counter() - started) * 1000)
        cpu_runs.append((cpu() - cpu_started) * 1000)
    return {
        "first_ms": round(runs[0], 1),
        "best_ms": round(min(runs), 1),
        "median_ms": round(statistics.median(runs), 1),
        "cpu_ms": round(statistics.median(cpu_runs), 1),
    }


def in_process(url: str, repeat: int) -> dict[str, dict[str, float]]:
    """(a) and (b) through the service functions, a fresh session per run as a request has:
    cold (what was kept dropped first, as after a write) and as repeated until the next write."""
    db = Database(url)

    def blast() -> None:
        with db.session(write=False) as session:
            checks.blast_radius(session, CORE)

    def graph() -> None:
        with db.session(write=False) as session:
            checks.graph_checks(session)

    def cold(function: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            version_memo.forget_all()
            function()

        return run

    try:
        with db.session(write=False) as session:
            radius = len(checks.blast_radius(session, CORE).services)
        return {
            "blast_radius_function_cold": timings(cold(blast), repeat),
            "blast_radius_function": {**timings(blast, repeat), "services": radius},
            "graph_check_function_cold": timings(cold(graph), repeat),
            "graph_check_function": timings(graph, repeat),
        }
    finally:
        db.dispose()


def over_http(
    base: str, token: str, cookie: str, repeat: int, server: int
) -> dict[str, dict[str, float]]:
    """(a) and (b) through the API, and the catalog page, each request a URL of its own (a
    unique query parameter), so the read cache and the kept pages never answer; CPU time is the
    server's (its process tree). What the server keeps until the next write (the graph, a
    blast radius) does answer after the first request of each worker."""
    headers = {"Authorization": f"Bearer {token}"}
    counter = iter(range(1_000_000))

    def server_cpu() -> float:
        return cpu_seconds(server)

    # One client, as a program calling the API keeps one: a new one per request costs the
    # client tens of ms (its TLS context, a new connection), which is not the server's time.
    with httpx.Client(base_url=base, timeout=120) as client:

        def call(path: str, sent: dict[str, str] = headers) -> Callable[[], None]:
            def run() -> None:
                response = client.get(path, params={"run": next(counter)}, headers=sent)
                response.raise_for_status()

            return run

        return {
            "blast_radius_http": timings(
                call(f"/api/v1/catalog/services/{CORE}/blast-radius"), repeat, server_cpu
            ),
            "graph_check_http": timings(call("/api/v1/catalog/checks/graph"), repeat, server_cpu),
            "catalog_page_http_unkept": timings(
                call("/catalog", {"Cookie": cookie}), repeat, server_cpu
            ),
        }


def session_cookie(base: str, password: str) -> str:
    """Sign in as admin through the real form; the Cookie header of the signed-in browser."""
    with httpx.Client(base_url=base, follow_redirects=False) as browser:
        browser.get("/login")
        response = browser.post(
            "/login",
            data={
                "username": "admin",
                "password": password,
                "csrf_token": browser.cookies.get("tmse_csrf", ""),
            },
        )
        if response.status_code not in (302, 303):
            raise RuntimeError(f"sign-in failed: HTTP {response.status_code}")
        return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def under_load(
    args: argparse.Namespace, base: str, token: str, cookie: str, server: int
) -> dict[str, dict[str, Any]]:
    """(d): P50/P95/P99 of the list page and the list API under closed-loop clients, and the
    server's CPU time per request (warm-up included)."""
    port = int(base.rsplit(":", 1)[1])
    pages = {
        "GET /catalog (HTML, signed in)": (["/catalog"], {"Cookie": cookie}),
        "GET /api/v1/catalog/services": (
            ["/api/v1/catalog/services"],
            {"Authorization": f"Bearer {token}"},
        ),
    }
    rows = {}
    for name, (paths, headers) in pages.items():
        console.print(f"[bold]{name}[/bold]: {args.clients} clients, {args.duration:g} s …")
        httpx.get(f"{base}{paths[0]}", headers=headers, timeout=60).raise_for_status()
        cpu_before = cpu_seconds(server)
        result = run_load(
            "127.0.0.1", port, paths, headers, args.clients, args.duration, args.warmup
        )
        cpu_used = cpu_seconds(server) - cpu_before
        rows[name] = {
            "requests": result.requests,
            "rps": round(result.rps, 1),
            "p50_ms": round(result.percentile_ms(50), 1),
            "p95_ms": round(result.percentile_ms(95), 1),
            "p99_ms": round(result.percentile_ms(99), 1),
            "errors": result.errors,
            "error_samples": result.error_samples,
            # Requests in the warm-up are not counted, so this is a slight overestimate.
            "server_cpu_ms_per_request": round(1000 * cpu_used / max(1, result.requests), 2),
        }
    return rows


def backstage_import(url: str, entities: int, seed: int) -> dict[str, Any]:
    """(c): generated entities (benchmarks/catalog_import.py's generator) through
    `import_backstage` with a progress bar; skipped when the function is not there."""
    try:
        from catalog_import import as_files, generated_catalog

        from tmse.catalog.backstage.service import import_backstage
    except ImportError as error:
        console.print(f"[yellow]Backstage import skipped:[/yellow] {error}")
        return {"skipped": str(error)}
    files = as_files(generated_catalog(entities, seed))
    db = Database(url)
    columns = (TextColumn("import"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"))
    try:
        with Progress(*columns, TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("import", total=1)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            started = time.perf_counter()
            with db.session() as session:
                report = import_backstage(session, Actor.system("benchmark"), files, progress)
            seconds = time.perf_counter() - started
    finally:
        db.dispose()
    return {
        "entities": entities,
        "files": len(files),
        "seconds": round(seconds, 2),
        "created": report.created,
        "errors": len(report.errors),
    }


def load_demo(env: dict[str, str], workdir: Path, database: Path, seed: int) -> dict[str, Any]:
    """`tmse demo --size large` unless the database is there already; seconds taken."""
    if database.exists():
        console.print(f"reusing {database}")
        return {"demo_load_s": None}
    console.print(f"loading `tmse demo --size large --seed {seed}` into {database} …")
    started = time.perf_counter()
    output = tmse(env, workdir, "demo", "--size", "large", "--seed", str(seed))
    return {
        "demo_load_s": round(time.perf_counter() - started, 1),
        "demo_step_s": demo_steps(output),
    }


def demo_steps(output: str) -> dict[str, int]:
    """Seconds per demo step, read from the final progress bars `tmse demo` prints."""
    steps = {}
    for line in output.splitlines():
        found = STEP_LINE.match(line)
        if found:
            hours, minutes, seconds = (int(found[g]) for g in ("h", "m", "s"))
            steps[found["step"]] = hours * 3600 + minutes * 60 + seconds
    return steps


def count(base: str, token: str, path: str) -> int:
    response = httpx.get(
        f"{base}{path}", params={"limit": 1}, headers={"Authorization": f"Bearer {token}"}
    )
    return int(response.json()["total"])


def targets(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each acceptance figure against its target; a request's figure is its median run."""

    def check(value: float | None, limit: float) -> dict[str, Any]:
        return {"value": value, "limit": limit, "met": value is not None and value <= limit}

    single = figures["single"]
    load = figures["load"]
    found = {
        "blast radius, function, cold (ms)": check(
            single["blast_radius_function_cold"]["median_ms"], BLAST_MS
        ),
        "blast radius, function (ms)": check(
            single["blast_radius_function"]["median_ms"], BLAST_MS
        ),
        "blast radius, HTTP (ms)": check(single["blast_radius_http"]["median_ms"], BLAST_MS),
        "cycles + layering, function, cold (ms)": check(
            single["graph_check_function_cold"]["median_ms"], GRAPH_MS
        ),
        "cycles + layering, function (ms)": check(
            single["graph_check_function"]["median_ms"], GRAPH_MS
        ),
        "cycles + layering, HTTP (ms)": check(single["graph_check_http"]["median_ms"], GRAPH_MS),
    }
    imported = figures["import"]
    if "seconds" in imported:
        found["Backstage import of 10,000 (s)"] = check(imported["seconds"], IMPORT_S)
    for name, row in load.items():
        found[f"{name} P95 (ms)"] = check(row["p95_ms"], LIST_P95_MS)
    return found


def print_report(figures: dict[str, Any], found: dict[str, dict[str, Any]]) -> None:
    table = Table(title="tmse catalog at scale (--size large, SQLite)")
    for heading in ("measurement", "first ms", "median ms", "best ms", "CPU ms"):
        table.add_column(heading, justify="left" if heading == "measurement" else "right")
    for name, row in figures["single"].items():
        table.add_row(name, *(str(row[k]) for k in ("first_ms", "median_ms", "best_ms", "cpu_ms")))
    console.print(table)
    load = Table(title=f"under load ({figures['config']['clients']} closed-loop clients)")
    keys = ("requests", "rps", "p50_ms", "p95_ms", "p99_ms", "errors", "server_cpu_ms_per_request")
    headings = ("requests", "req/s", "P50 ms", "P95 ms", "P99 ms", "errors", "server CPU ms/req")
    load.add_column("page")
    for heading in headings:
        load.add_column(heading, justify="right")
    for name, row in figures["load"].items():
        load.add_row(name, *(str(row[k]) for k in keys))
    console.print(load)
    console.print(f"dataset: {figures['dataset']}")
    console.print(f"load average before/after: {figures['machine']}")
    for name, result in found.items():
        mark = "[green]met[/green]" if result["met"] else "[red]MISSED[/red]"
        console.print(f"  {name}: {result['value']} (target ≤ {result['limit']}) {mark}")


def main() -> int:
    args = arguments()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        args.keep_db = True
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="tmse-catalog-bench-"))).resolve()
    database = workdir / "bench.db"
    url = f"sqlite:///{database}"
    env = {**os.environ, "TMSE_DATABASE_URL": url, "TMSE_SECRET_KEY": "bench-" + workdir.name}
    env["TMSE_LOG_LEVEL"] = "WARNING"
    figures: dict[str, Any] = {
        "benchmark": "catalog",
        "config": {"clients": args.clients, "duration_s": args.duration, "workers": args.workers},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    try:
        figures["dataset"] = load_demo(env, workdir, database, args.seed)
        figures["machine"]["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
        single = in_process(url, args.repeat)
        token = token_factory(env, workdir)()
        server, base = start_server(env, workdir, args.workers)
        try:
            for kind, path in (
                ("services", "/api/v1/catalog/services"),
                ("dependencies", "/api/v1/catalog/dependencies"),
                ("apis", "/api/v1/catalog/apis"),
                ("data_stores", "/api/v1/catalog/data-stores"),
            ):
                figures["dataset"][kind] = count(base, token, path)
            password = read_password(Path(f"{database}.admin-password"))
            cookie = session_cookie(base, password)
            single.update(over_http(base, token, cookie, args.repeat, server.pid))
            figures["load"] = under_load(args, base, token, cookie, server.pid)
        finally:
            stop(server)
        figures["single"] = single
        # Into a copy, so the loaded database stays as the demo left it for the next run.
        copy = workdir / "import.db"
        copy.unlink(missing_ok=True)
        with sqlite3.connect(database) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        figures["import"] = backstage_import(f"sqlite:///{copy}", args.entities, args.seed)
        copy.unlink()
        figures["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        if not args.keep_db:
            shutil.rmtree(workdir, ignore_errors=True)
    found = targets(figures)
    figures["targets"] = found
    figures["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    print_report(figures, found)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    console.print(f"wrote {args.output}" + (f"; kept {workdir}" if args.keep_db else ""))
    return 0 if all(result["met"] for result in found.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
