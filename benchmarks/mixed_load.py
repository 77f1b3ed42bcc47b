"""Reads while the data keeps changing: `tmse serve --workers 2` on the small demo, 20 readers
walking list and detail URLs of every module (JSON API and pages) while one client writes.

Prints read P50/P95, reads/s, write P50/P95 and errors, and the server CPU of one uncached
50-row list request; writes benchmarks/results/mixed_load.json. Exit status 1 on any error or a
missed target. `--source DIR` runs the server from another checkout (e.g. a `git archive` of
an older commit), to measure before and after on the same machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from api_latency import free_port, wait_ready
from http_load import LoadResult, percentile, request_bytes, run_clients
from mixed_load_plan import answering, api_urls, page_urls, write_at_rate
from process_tree import cpu_seconds

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = {"read_p95_ms": 60.0, "reads_per_s": 400.0, "write_p95_ms": 100.0, "list_cpu_ms": 2.5}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readers", type=int, default=20, help="closed-loop reading clients")
    parser.add_argument("--write-rate", type=float, default=5.0, help="writes per second")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds excluded first")
    parser.add_argument("--workers", type=int, default=2, help="`tmse serve --workers`")
    parser.add_argument(
        "--identities",
        type=int,
        default=1,
        help="API tokens and browser sessions the readers share (as in catalog.py: one each)",
    )
    parser.add_argument("--database-url", help="an empty database instead of a temporary SQLite")
    parser.add_argument("--source", type=Path, help="run tmse from this source tree")
    parser.add_argument("--keep-db", action="store_true", help="keep the temporary directory")
    parser.add_argument("--output", type=Path, default=RESULTS / "mixed_load.json")
    return parser.parse_args()


def tmse(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tmse", *args],
        env=env,
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def prepare(args: argparse.Namespace, workdir: Path) -> tuple[dict[str, str], str]:
    """A fresh database with the small demo: the environment to run tmse in, the password."""
    env = {
        **os.environ,
        "TMSE_DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'mixed.db'}",
        "TMSE_SECRET_KEY": "mixed-load-" + workdir.name,
        "TMSE_LOG_LEVEL": "WARNING",
        "COLUMNS": "200",  # rich would wrap the printed password otherwise
    }
    if args.source:
        env["PYTHONPATH"] = str(args.source.resolve())
    tmse(env, workdir, "db", "upgrade")
    printed = tmse(env, workdir, "demo", "--size", "small")
    found = re.search(r"Sign in as admin / (\S+)", printed)
    if found is None:
        raise RuntimeError(f"no demo password in: {printed}")
    return env, found.group(1)


def browser_cookie(base: str, password: str) -> str:
    """A signed-in browser's Cookie header (session and CSRF cookies)."""
    with httpx.Client(base_url=base) as browser:
        browser.get("/login")
        form = {"username": "admin", "password": password, "next": "/"}
        form["csrf_token"] = browser.cookies["tmse_csrf"]
        signed_in = browser.post("/login", data=form)
        if signed_in.status_code != 303:
            raise RuntimeError(f"sign-in answered {signed_in.status_code}")
        return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def list_cpu_ms(base: str, server_pid: int, token: str, requests: int = 200) -> float:
    """Server CPU per uncached 50-row list request: each URL is new to the read cache, asked one
    at a time, half the requirements backlog and half the services list."""
    paths = ["/api/v1/requirements?limit=50", "/api/v1/catalog/services?limit=50"]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        for path in paths:  # first use of each route and template
            client.get(path + "&first=1").raise_for_status()
        before = cpu_seconds(server_pid)
        for turn in range(requests):
            client.get(f"{paths[turn % 2]}&uncached={turn}").raise_for_status()
        return 1000 * (cpu_seconds(server_pid) - before) / requests


def measure(
    args: argparse.Namespace,
    base: str,
    env: dict[str, str],
    workdir: Path,
    password: str,
    server_pid: int,
) -> dict[str, Any]:
    tokens = [
        tmse(env, workdir, "token", "create", "--user", "admin", "--name", f"reader {i}")
        .strip()
        .splitlines()[-1]
        for i in range(args.identities + 1)
    ]
    writer_token = tokens.pop()
    cookies = [browser_cookie(base, password) for _ in range(args.identities)]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tokens[0]}"}) as client:
        api = answering(client, api_urls(client), {})
        with httpx.Client(base_url=base) as browser:
            pages = answering(browser, page_urls(client), {"Cookie": cookies[0]})
    print(f"{len(api)} API URLs and {len(pages)} pages, {len(api) + len(pages)} in all")
    host, port = "127.0.0.1", int(base.rsplit(":", 1)[1])
    per_client = []
    for reader in range(args.readers):
        who = reader % args.identities
        auth = {"Authorization": f"Bearer {tokens[who]}"}
        cookie = {"Cookie": cookies[who], "Accept-Language": "en"}
        mixed = [request_bytes(host, port, url, auth) for url in api]
        mixed += [request_bytes(host, port, url, cookie) for url in pages]
        start = (reader * 7) % len(mixed)  # readers start at different places
        per_client.append(mixed[start:] + mixed[:start])
    written: dict[str, Any] = {}

    def writer() -> None:
        headers = {"Authorization": f"Bearer {writer_token}"}
        with httpx.Client(base_url=base, headers=headers) as client:
            written["latencies"], written["failures"] = write_at_rate(
                client, args.write_rate, args.duration, args.warmup
            )

    load_before = os.getloadavg()
    thread = threading.Thread(target=writer)
    thread.start()
    cpu_before, client_before = cpu_seconds(server_pid), time.process_time()
    reads = run_clients(host, port, per_client, args.duration, args.warmup)
    thread.join()
    server_cpu = cpu_seconds(server_pid) - cpu_before  # warm-up included, as are its reads
    client_cpu = time.process_time() - client_before  # readers and the writer, all threads
    lookups = [
        line
        for line in httpx.get(f"{base}/metrics").text.splitlines()
        if line.startswith("tmse_read_cache_lookups_total{")
    ]
    return {
        "urls": {"api": len(api), "pages": len(pages)},
        "reads": reads,
        "write_latencies": written["latencies"],
        "write_failures": written["failures"],
        "load_average_before": load_before,
        "server_cpu_s": server_cpu,
        "client_cpu_s": client_cpu,
        "cache_lookups": lookups,
        "window_s": args.warmup + args.duration,
        "tokens": tokens,
    }


def figures(measured: dict[str, Any], cpu_ms: float) -> dict[str, Any]:
    reads: LoadResult = measured["reads"]
    writes = sorted(measured["write_latencies"])
    failures = measured["write_failures"]
    return {
        "read_p50_ms": round(reads.percentile_ms(50), 1),
        "read_p95_ms": round(reads.percentile_ms(95), 1),
        "reads_per_s": round(reads.rps, 1),
        "reads": reads.requests,
        "read_errors": reads.errors,
        "read_error_samples": reads.error_samples,
        "write_p50_ms": round(percentile(writes, 50) * 1000, 1),
        "write_p95_ms": round(percentile(writes, 95) * 1000, 1),
        "writes": len(writes),
        "write_errors": len(failures),
        "write_error_samples": failures[:5],
        "list_cpu_ms": round(cpu_ms, 2),
        # Server CPU over the load (both workers) per read at the measured rate: what the
        # machine's other work does not change much.
        "server_cpu_ms_per_read": round(
            1000 * measured["server_cpu_s"] / max(1.0, reads.rps * measured["window_s"]), 2
        ),
        "server_cpu_pct": round(100 * measured["server_cpu_s"] / measured["window_s"], 1),
        "client_cpu_pct": round(100 * measured["client_cpu_s"] / measured["window_s"], 1),
    }


def verdicts(result: dict[str, Any]) -> dict[str, bool]:
    return {
        "read_p95_ms": result["read_p95_ms"] <= TARGETS["read_p95_ms"],
        "reads_per_s": result["reads_per_s"] >= TARGETS["reads_per_s"],
        "write_p95_ms": result["write_p95_ms"] <= TARGETS["write_p95_ms"],
        "list_cpu_ms": result["list_cpu_ms"] <= TARGETS["list_cpu_ms"],
        "errors": result["read_errors"] + result["write_errors"] == 0,
    }


def main() -> int:
    args = arguments()
    workdir = Path(tempfile.mkdtemp(prefix="tmse-mixed-"))
    try:
        env, password = prepare(args, workdir)
        port = free_port()
        command = [sys.executable, "-m", "tmse", "serve", "--port", str(port)]
        command += ["--workers", str(args.workers)]
        with (workdir / "server.log").open("wb") as log:
            server = subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, server)
            measured = measure(args, base, env, workdir, password, server.pid)
            cpu_ms = list_cpu_ms(base, server.pid, measured["tokens"][0])
        finally:
            server.terminate()
            server.wait(timeout=15)
    finally:
        if not args.keep_db:
            shutil.rmtree(workdir, ignore_errors=True)
    result = figures(measured, cpu_ms)
    checks = verdicts(result)
    print(f"reads: {result['reads']} ({result['reads_per_s']}/s) over {measured['urls']} URLs")
    for key in ("read_p50_ms", "read_p95_ms", "reads_per_s", "write_p50_ms", "write_p95_ms"):
        print(f"  {key}: {result[key]}")
    print(f"  list_cpu_ms (server CPU, uncached 50-row list): {result['list_cpu_ms']}")
    print(
        f"  server CPU: {result['server_cpu_pct']} % of a core, "
        f"{result['server_cpu_ms_per_read']} ms per read; "
        f"load generator: {result['client_cpu_pct']} %"
    )
    print(f"  errors: {result['read_errors']} reads, {result['write_errors']} writes")
    for sample in result["read_error_samples"] + result["write_error_samples"]:
        print(f"    {sample}")
    for name, met in checks.items():
        limit = TARGETS.get(name, 0)
        print(f"  {name}: {'met' if met else 'MISSED'} (target {limit:g})")
    print("  read cache (whole run): " + "; ".join(measured["cache_lookups"]))
    load_before, load_after = measured["load_average_before"], os.getloadavg()
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    report = {
        "benchmark": "mixed_load",
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "config": {k: str(v) for k, v in vars(args).items() if k != "output"},
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
        },
        "urls": measured["urls"],
        "figures": result,
        "cache_lookups": measured["cache_lookups"],
        "targets": {
            name: {"limit": TARGETS.get(name, 0), "met": met} for name, met in checks.items()
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
