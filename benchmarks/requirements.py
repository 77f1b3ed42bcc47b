"""Requirements at scale: `tmse demo --size large` (≥ 50,000 requirements, ≥ 200,000 trace links)
on a fresh SQLite database, then the three acceptance figures of module 1.

(a) the ranked backlog, 50 rows a page: P50/P95/P99 of `GET /api/v1/requirements?model=…` under
    20 closed-loop clients against `tmse serve`, cycling through RICE, WSJF and MoSCoW and 20
    page offsets each (60 distinct pages); once with tmse's read cache switched off
    (`TMSE_RESPONSE_CACHE_MB=0`: every request is computed), once as shipped (the read cache
    on; every page requested once before the clock starts) — target P95 ≤ 100 ms. Also the
    signed-in backlog page (HTML) under the same load.
(b) the full traceability matrix (goal → objective → initiative → requirement → service, every
    path, every row produced) through `trace_matrix` — target ≤ 2 s; the CSV export of all of
    it (in process and over HTTP) is printed beside it, without a target;
(c) the impact analysis of one change request (the transitive downstream closure of its
    requirement, with projects, milestones and the effort delta) through `compute_impact` and
    `GET /api/v1/change-requests/{id}/impact` — target ≤ 100 ms. The change request chosen is
    the one whose requirement has the largest downstream closure.
Prints a table; writes benchmarks/results/requirements.json. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from api_latency import start_server, stop, token_factory
from catalog import load_demo, session_cookie
from http_load import run_load
from process_tree import cpu_seconds
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from tmse.core import version_memo
from tmse.core.db import Database
from tmse.core.links.models import TraceLink
from tmse.demo.sign_in import read_password
from tmse.requirements.changes.impact_queries import compute_impact
from tmse.requirements.changes.models import ChangeRequest
from tmse.requirements.models import Requirement
from tmse.requirements.traceability.export import csv_chunks
from tmse.requirements.traceability.service import trace_matrix

RESULTS = Path(__file__).resolve().parent / "results"
BACKLOG_P95_MS, MATRIX_S, IMPACT_MS = 100.0, 2.0, 100.0
MODELS = ("rice", "wsjf", "moscow")
console = Console(width=None if sys.stdout.isatty() else 150)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, help="keep the database here (reused if present)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=7, help="runs of each single measurement")
    parser.add_argument("--output", type=Path, default=RESULTS / "requirements.json")
    return parser.parse_args()


def timed(run: Callable[[], object], repeat: int) -> dict[str, float]:
    """Median, min and max wall time (ms) of `repeat` runs; the first run reported apart."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "first_ms": round(samples[0], 1),
        "median_ms": round(statistics.median(samples), 1),
        "min_ms": round(min(samples), 1),
        "max_ms": round(max(samples), 1),
    }


def sizes(db: Database) -> dict[str, int]:
    with db.session(write=False) as session:
        return {
            "requirements": session.scalar(select(func.count()).select_from(Requirement)) or 0,
            "trace_links": session.scalar(select(func.count()).select_from(TraceLink)) or 0,
            "change_requests": session.scalar(select(func.count()).select_from(ChangeRequest)) or 0,
        }


def widest_change_request(db: Database) -> tuple[int, int]:
    """(change request id, downstream size) of the change request with the widest impact."""
    best = (0, -1)
    with db.session(write=False) as session:
        for change_request in session.scalars(select(ChangeRequest)):
            requirement = session.get(Requirement, change_request.requirement_id)
            assert requirement is not None
            impact = compute_impact(session, requirement, change_request.changes)
            reach = len(impact.requirements) + sum(len(v) for v in impact.entities.values())
            if reach > best[1]:
                best = (change_request.id, reach)
    return best


def in_process(db: Database, change_request_id: int, repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with db.session(write=False) as session:

        def full_matrix() -> int:
            """Built from the database (nothing kept from before), every row produced."""
            version_memo.forget_all()
            return sum(1 for _row in trace_matrix(session).matrix.rows())

        figures["matrix_rows"] = full_matrix()
        figures["matrix_function"] = timed(full_matrix, repeat)
        figures["matrix_kept_page"] = timed(lambda: trace_matrix(session).matrix.page(0, 50), 5)

        def csv_export() -> None:
            version_memo.forget_all()
            for _chunk in csv_chunks(trace_matrix(session)):
                pass

        figures["matrix_csv_function"] = timed(csv_export, max(3, repeat // 2))
        change_request = session.get(ChangeRequest, change_request_id)
        assert change_request is not None
        requirement = session.get(Requirement, change_request.requirement_id)
        assert requirement is not None

        def impact() -> None:
            compute_impact(session, requirement, change_request.changes)

        figures["impact_function"] = timed(impact, repeat)
    return figures


def over_http(base: str, token: str, change_request_id: int, repeat: int) -> dict[str, Any]:
    """Single requests, each with a unique query parameter so no cache answers them."""
    headers = {"Authorization": f"Bearer {token}"}
    counter = iter(range(1_000_000))
    with httpx.Client(base_url=base, timeout=300, headers=headers) as client:

        def call(path: str) -> Callable[[], None]:
            def run() -> None:
                client.get(path, params={"run": next(counter)}).raise_for_status()

            return run

        return {
            "matrix_csv_http": timed(call("/api/v1/traceability/matrix.csv"), 3),
            "matrix_summary_http": timed(call("/api/v1/traceability/matrix?limit=50"), repeat),
            "impact_http": timed(
                call(f"/api/v1/change-requests/{change_request_id}/impact"), repeat
            ),
            "backlog_page_http": timed(call("/api/v1/requirements?model=rice&limit=50"), repeat),
        }


def backlog_paths() -> list[str]:
    return [
        f"/api/v1/requirements?model={model}&limit=50&offset={page * 50}"
        for page in range(20)
        for model in MODELS
    ]


def under_load(
    args: argparse.Namespace, base: str, token: str, cookie: str, server: int
) -> dict[str, dict[str, Any]]:
    port = int(base.rsplit(":", 1)[1])
    pages = {
        "backlog API, 60 ranked pages": (backlog_paths(), {"Authorization": f"Bearer {token}"}),
        "backlog page (HTML, signed in)": (
            [f"/requirements?model={model}" for model in MODELS],
            {"Cookie": cookie},
        ),
    }
    rows = {}
    for name, (paths, headers) in pages.items():
        console.print(f"[bold]{name}[/bold]: {args.clients} clients, {args.duration:g} s …")
        # Each page once before the clock starts: with the read cache on, a backlog's pages are
        # asked for again and again, so the figure is of pages served, not of 20 clients all
        # missing the same empty cache in the first second.
        with httpx.Client(base_url=base, headers=headers, timeout=60) as warm:
            for path in paths:
                warm.get(path).raise_for_status()
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
            "server_cpu_ms_per_request": round(1000 * cpu_used / max(1, result.requests), 2),
        }
    return rows


def targets(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    def check(value: float | None, limit: float) -> dict[str, Any]:
        return {"value": value, "limit": limit, "met": value is not None and value <= limit}

    uncached = figures["load_uncached"]["backlog API, 60 ranked pages"]["p95_ms"]
    cached = figures["load"]["backlog API, 60 ranked pages"]["p95_ms"]
    single = figures["single"]
    return {
        "backlog P95, 20 clients, read cache off (ms)": check(uncached, BACKLOG_P95_MS),
        "backlog P95, 20 clients, as shipped (ms)": check(cached, BACKLOG_P95_MS),
        "full traceability matrix, function (s)": check(
            single["matrix_function"]["median_ms"] / 1000, MATRIX_S
        ),
        "impact analysis, function (ms)": check(single["impact_function"]["median_ms"], IMPACT_MS),
        "impact analysis, HTTP (ms)": check(single["impact_http"]["median_ms"], IMPACT_MS),
    }


def print_report(figures: dict[str, Any], found: dict[str, dict[str, Any]]) -> None:
    console.print(f"sizes: {figures['sizes']}; matrix rows: {figures['single']['matrix_rows']}")
    single = Table(title="single measurements (ms)")
    for column in ("figure", "first", "median", "min", "max"):
        single.add_column(column, justify="right" if column != "figure" else "left")
    for name, row in figures["single"].items():
        if isinstance(row, dict):
            single.add_row(
                name, *(str(row[k]) for k in ("first_ms", "median_ms", "min_ms", "max_ms"))
            )
    console.print(single)
    load = Table(title=f"under load ({figures['clients']} clients)")
    for column in ("run", "endpoint", "req/s", "P50", "P95", "P99", "errors", "CPU ms/req"):
        load.add_column(column)
    for run in ("load_uncached", "load"):
        for name, row in figures[run].items():
            load.add_row(
                "cache off" if run == "load_uncached" else "as shipped",
                name,
                str(row["rps"]),
                str(row["p50_ms"]),
                str(row["p95_ms"]),
                str(row["p99_ms"]),
                str(row["errors"]),
                str(row["server_cpu_ms_per_request"]),
            )
    console.print(load)
    checks = Table(title="targets")
    for column in ("figure", "value", "limit", "met"):
        checks.add_column(column)
    for name, check in found.items():
        checks.add_row(name, str(check["value"]), str(check["limit"]), str(check["met"]))
    console.print(checks)


def main() -> int:
    args = arguments()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tmse-requirements-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "bench.db"
    url = f"sqlite:///{database}"
    env = {
        **os.environ,
        "TMSE_DATABASE_URL": url,
        "TMSE_SECRET_KEY": "bench-requirements",
        "TMSE_LOG_LEVEL": "WARNING",
    }
    figures: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "clients": args.clients,
    }
    figures.update(load_demo(env, workdir, database, args.seed))
    db = Database(url)
    try:
        figures["sizes"] = sizes(db)
        change_request_id, reach = widest_change_request(db)
        figures["impact_change_request"] = {"id": change_request_id, "downstream": reach}
        figures["single"] = in_process(db, change_request_id, args.repeat)
    finally:
        db.dispose()
    password = read_password(Path(f"{database}.admin-password"))
    assert password, "the demo wrote no admin password"
    new_token = token_factory(env, workdir)
    for run, extra in (("load_uncached", {"TMSE_RESPONSE_CACHE_MB": "0"}), ("load", {})):
        server, base = start_server({**env, **extra}, workdir, 1)
        try:
            token = new_token()
            cookie = session_cookie(base, password)
            if run == "load_uncached":
                figures["single"].update(over_http(base, token, change_request_id, args.repeat))
            figures[run] = under_load(args, base, token, cookie, server.pid)
        finally:
            stop(server)
    found = targets(figures)
    figures["targets"] = found
    print_report(figures, found)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if all(check["met"] for check in found.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
