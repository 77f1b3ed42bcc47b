"""API latency under load: `tmse serve` on a `--size large` demo database, 50 closed-loop clients.

Prints P50/P95/P99, requests per second and errors for /healthz (the framework floor),
GET /api/v1/users?limit=50 and GET /api/v1/teams/{id}, and writes benchmarks/results/
api_latency.json. The load generator runs in this process, the server in another; on a small
machine they share the cores, which the CPU columns show. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from http_load import LoadResult, run_load, run_rate
from process_tree import RssSampler, cpu_seconds
from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parent / "results"
LIST_P95_MS, FLOOR_FACTOR, RSS_MB = 50.0, 3.0, 300.0
# Wide enough for the table when the output is a file or a pipe.
console = Console(width=None if sys.stdout.isatty() else 150)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent closed-loop clients")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per endpoint")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds excluded first")
    parser.add_argument(
        "--rate", type=float, help="open loop: this many requests/s per endpoint instead of clients"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="`tmse serve --workers` (default: one per core, as deployed)",
    )
    parser.add_argument("--database-url", help="use this database instead of a temporary SQLite")
    parser.add_argument("--size", default="large", choices=["small", "large"])
    parser.add_argument("--keep-db", action="store_true", help="keep the temporary directory")
    parser.add_argument("--log-level", default="INFO", help="server TMSE_LOG_LEVEL")
    parser.add_argument("--output", type=Path, default=RESULTS / "api_latency.json")
    return parser.parse_args()


def tmse(env: dict[str, str], cwd: Path, *args: str) -> str:
    """Run a tmse command to completion; its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "tmse", *args],
        env=env,
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"tmse serve exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("tmse serve did not become ready")


COLUMNS = (
    ("endpoint", "endpoint"),
    ("requests", "requests"),
    ("rps", "req/s"),
    ("p50_ms", "P50 ms"),
    ("p95_ms", "P95 ms"),
    ("p99_ms", "P99 ms"),
    ("max_ms", "max ms"),
    ("errors", "errors"),
    ("server_rss_peak_mb", "server RSS MB"),
    ("server_cpu_pct", "server CPU %"),
    ("client_cpu_pct", "client CPU %"),
)


def endpoint_row(
    name: str,
    result: LoadResult,
    memory: RssSampler,
    server_cpu: float,
    client_cpu: float,
    wall: float,
) -> dict[str, Any]:
    return {
        "endpoint": name,
        "requests": result.requests,
        "rps": round(result.rps, 1),
        "p50_ms": round(result.percentile_ms(50), 2),
        "p95_ms": round(result.percentile_ms(95), 2),
        "p99_ms": round(result.percentile_ms(99), 2),
        "max_ms": round(result.percentile_ms(100), 2),
        "errors": result.errors,
        "error_samples": result.error_samples,
        "server_rss_peak_mb": round(memory.peak / 2**20, 1),
        "server_pss_peak_mb": round(memory.pss_peak / 2**20, 1),
        # CPU over the whole phase, warm-up included; 100% is one core.
        "server_cpu_pct": round(100 * server_cpu / wall, 1),
        "client_cpu_pct": round(100 * client_cpu / wall, 1),
    }


def measure(
    args: argparse.Namespace, base: str, server: Server, new_token: Callable[[], str]
) -> list[dict[str, Any]]:
    """One phase per endpoint, the floor first; a row of figures for each."""
    auth = {"Authorization": f"Bearer {new_token()}"}
    teams = httpx.get(
        f"{base}/api/v1/teams", params={"kind": "team", "limit": 500}, headers=auth
    ).json()["items"]
    endpoints: list[tuple[str, list[str], bool]] = [
        ("GET /healthz", ["/healthz"], False),
        ("GET /api/v1/users?limit=50", ["/api/v1/users?limit=50"], True),
        ("GET /api/v1/teams/{id}", [f"/api/v1/teams/{t['id']}" for t in teams], True),
    ]
    port = int(base.rsplit(":", 1)[1])
    load = f"{args.rate:g} requests/s" if args.rate else f"{args.clients} clients"
    rows = []
    with RssSampler(server.pid) as sampler:
        for name, paths, authenticated in endpoints:
            console.print(
                f"[bold]{name}[/bold]: {load}, {args.warmup:g} s warm-up + {args.duration:g} s …"
            )
            # A token's first use (and its first after a minute idle) writes its last-used time;
            # under concurrent load that write can stall the server (see benchmarks/README.md).
            # A fresh token per phase, used once alone, keeps phases to their steady state.
            headers = {"Authorization": f"Bearer {new_token()}"} if authenticated else {}
            httpx.get(f"{base}/api/v1/users/me", headers=headers)
            sampler.reset()
            server_cpu, client_cpu = cpu_seconds(server.pid), time.process_time()
            wall = time.perf_counter()
            if args.rate:
                result = run_rate(
                    "127.0.0.1", port, paths, headers, args.rate, args.duration, args.warmup
                )
            else:
                result = run_load(
                    "127.0.0.1", port, paths, headers, args.clients, args.duration, args.warmup
                )
            rows.append(
                endpoint_row(
                    name,
                    result,
                    sampler,
                    cpu_seconds(server.pid) - server_cpu,
                    time.process_time() - client_cpu,
                    time.perf_counter() - wall,
                )
            )
    return rows


def targets(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The acceptance targets: rows[0] is the floor, rows[1] the list endpoint."""
    floor_p95, p95 = rows[0]["p95_ms"], rows[1]["p95_ms"]
    rss = max(row["server_rss_peak_mb"] for row in rows)
    errors = sum(row["errors"] for row in rows)
    return {
        "list_p95_ms": {"value": p95, "limit": LIST_P95_MS, "met": p95 <= LIST_P95_MS},
        "list_p95_over_floor_p95": {
            "value": round(p95 / floor_p95, 2) if floor_p95 else None,
            "limit": FLOOR_FACTOR,
            "met": p95 <= FLOOR_FACTOR * floor_p95,
        },
        "errors": {"value": errors, "limit": 0, "met": errors == 0},
        "server_rss_peak_mb": {"value": rss, "limit": RSS_MB, "met": rss <= RSS_MB},
    }


def print_report(rows: list[dict[str, Any]], checks: dict[str, dict[str, Any]]) -> None:
    table = Table(title="tmse API latency")
    for key, heading in COLUMNS:
        table.add_column(heading, justify="left" if key == "endpoint" else "right")
    for row in rows:
        table.add_row(*(str(row[key]) for key, _ in COLUMNS))
    console.print(table)
    for name, check in checks.items():
        mark = "[green]met[/green]" if check["met"] else "[red]MISSED[/red]"
        console.print(f"  {name}: {check['value']} (target ≤ {check['limit']}) {mark}")


def prepare(args: argparse.Namespace, workdir: Path) -> tuple[dict[str, str], float]:
    """Load the demo unless the database has users: the server's environment, seconds taken."""
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    env = {
        **os.environ,
        "TMSE_DATABASE_URL": url,
        "TMSE_SECRET_KEY": "bench-" + workdir.name,
        "TMSE_LOG_LEVEL": args.log_level,
    }
    console.print(f"database {url}; loading the {args.size} demo (skipped if it has users) …")
    started = time.perf_counter()
    tmse(env, workdir, "demo", "--size", args.size, "--if-empty")
    return env, time.perf_counter() - started


def token_factory(env: dict[str, str], workdir: Path) -> Callable[[], str]:
    """Creates an admin API token per call (`tmse token create` prints it on its last line)."""

    def new_token() -> str:
        output = tmse(env, workdir, "token", "create", "--user", "admin", "--name", "bench")
        return output.strip().splitlines()[-1]

    return new_token


Server = subprocess.Popen[bytes]


def start_server(env: dict[str, str], workdir: Path, workers: int) -> tuple[Server, str]:
    """`tmse serve` on a free port, its log in workdir; the process and its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "tmse", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    with (workdir / "server.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, server)
    return server, base


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


def report(
    args: argparse.Namespace,
    env: dict[str, str],
    dataset: dict[str, Any],
    load_before: tuple[float, ...],
    rows: list[dict[str, Any]],
    checks: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    url = env["TMSE_DATABASE_URL"]
    return {
        "benchmark": "api_latency",
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "config": {
            "mode": "open loop" if args.rate else "closed loop",
            "clients": None if args.rate else args.clients,
            "rate": args.rate,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "workers": args.workers,
            "size": args.size,
            "log_level": args.log_level,
            "database": url.split(":")[0],
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            # Other work on the machine competes for the same cores; these say how much.
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "dataset": dataset,
        "endpoints": rows,
        "targets": checks,
    }


def main() -> int:
    args = arguments()
    workdir = Path(tempfile.mkdtemp(prefix="tmse-bench-"))
    try:
        env, demo_seconds = prepare(args, workdir)
        new_token = token_factory(env, workdir)
        server, base = start_server(env, workdir, args.workers)
        try:
            auth = {"Authorization": f"Bearer {new_token()}"}
            dataset: dict[str, Any] = {"demo_load_s": round(demo_seconds, 1)}
            for kind in ("users", "teams"):
                page = httpx.get(f"{base}/api/v1/{kind}", params={"limit": 1}, headers=auth)
                dataset[kind] = page.json()["total"]
            load_before = os.getloadavg()
            rows = measure(args, base, server, new_token)
        finally:
            stop(server)
    finally:
        if not args.keep_db:
            shutil.rmtree(workdir, ignore_errors=True)
    checks = targets(rows)
    print_report(rows, checks)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    figures = report(args, env, dataset, load_before, rows, checks)
    args.output.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    console.print(f"wrote {args.output}" + (f"; kept {workdir}" if args.keep_db else ""))
    return 0 if all(check["met"] for check in checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
