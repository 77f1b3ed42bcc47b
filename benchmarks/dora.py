"""DORA figures on a `tmse demo --size large` database: every team's four metrics week by week
over a year, one service's over a year, and deployments delivered through the generic webhook.

    .venv/bin/python benchmarks/dora.py --database-url sqlite:////tmp/dora-large/db.sqlite
    .venv/bin/python benchmarks/dora.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Prints figures and writes benchmarks/results/dora.json; asserts nothing. Targets: all teams by
week for a year ≤ 2 s, one service over a year ≤ 50 ms (median), ingestion ≥ 1,000
deployments/s sustained. The per-team loop calls the query functions once per (team, week),
as a caller of `tmse.devops.dora.queries` would today; it stops after `--loop-budget` seconds
and extrapolates, saying so. The ingested deployments stay in the database (ids `bench-...`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from api_latency import start_server, stop
from http_load import _read_response
from sqlalchemy import func, select

from tmse.catalog.queries import all_team_names, service_ids_in, service_names
from tmse.core.db import Database, utctoday
from tmse.devops.dora import queries
from tmse.devops.dora.queries import Definitions, Scope
from tmse.devops.models import Deployment

try:  # grouped per-team-by-week figures in a few statements, where this checkout has them
    from tmse.devops.dora import breakdown
except ImportError:  # pragma: no cover - older checkouts
    breakdown = None  # type: ignore[assignment]

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = {"teams_by_week_s": 2.0, "service_year_ms": 50.0, "deployments_per_s": 1000.0}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a `--size large` demo database")
    parser.add_argument("--weeks", type=int, default=52, help="weeks back from today")
    parser.add_argument("--loop-budget", type=float, default=60.0, help="seconds for the loop")
    parser.add_argument("--runs", type=int, default=9, help="runs of the one-service figures")
    parser.add_argument("--deployments", type=int, default=20_000, help="POSTed deployments")
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections")
    parser.add_argument("--commits", type=int, default=3, help="commits per deployment")
    parser.add_argument("--workers", type=int, default=2, help="`tmse serve --workers`")
    parser.add_argument(
        "--batch", type=int, default=1, help="deployments a request (>1: the batch hook)"
    )
    parser.add_argument("--skip-ingest", action="store_true", help="only the read figures")
    parser.add_argument("--output", type=Path, default=RESULTS / "dora.json")
    return parser.parse_args()


def four_metrics(session: Any, scope: Scope, definitions: Definitions) -> tuple[Any, ...]:
    """What GET /api/v1/dora computes for a scope: the four figures and the unlinked count."""
    return (
        queries.deployment_frequency(session, scope, definitions),
        queries.lead_time(session, scope, definitions),
        queries.change_failure_rate(session, scope, definitions),
        queries.unlinked_incidents(session, scope, definitions, limit=0),
        queries.time_to_restore(session, scope, definitions),
    )


def teams_by_week(db: Database, weeks: int, budget: float) -> dict[str, Any]:
    """Every team's four figures in each 7-day week of the year, one scope at a time."""
    definitions, today = Definitions(), utctoday()
    first = today - dt.timedelta(days=7 * weeks - 1)
    cuts = [
        (first + dt.timedelta(days=7 * w), first + dt.timedelta(days=7 * w + 6))
        for w in range(weeks)
    ]
    with db.session(write=False) as session:
        teams = all_team_names(session)
        done, started = 0, time.perf_counter()
        for team in teams:
            for start, end in cuts:
                four_metrics(session, Scope(start, end, service_ids_in(team=team)), definitions)
                done += 1
            if time.perf_counter() - started > budget:
                break
        spent = time.perf_counter() - started
    total = len(teams) * len(cuts)
    return {
        "teams": len(teams),
        "weeks": len(cuts),
        "scopes": total,
        "scopes_measured": done,
        "measured_s": round(spent, 2),
        "per_scope_ms": round(1000 * spent / max(done, 1), 1),
        "total_s": round(spent * total / max(done, 1), 1),
        "extrapolated": done < total,
    }


def grouped_by_week(db: Database, weeks: int) -> dict[str, Any] | None:
    """The same figures from `tmse.devops.dora.breakdown` (grouped SQL), when it exists."""
    if breakdown is None or not hasattr(breakdown, "breakdown"):
        return None
    today = utctoday()
    scope = Scope(today - dt.timedelta(days=7 * weeks - 1), today)
    with db.session(write=False) as session:
        started = time.perf_counter()
        cells = breakdown.breakdown(session, scope, Definitions(), "team", "week")
        spent = time.perf_counter() - started
    return {"cells": len(cells), "total_s": round(spent, 2)}


def busiest_service(db: Database) -> tuple[int, str]:
    """The service with the most production deployments: the slowest one-service case."""
    with db.session(write=False) as session:
        service_id = session.scalar(
            select(Deployment.service_id)
            .where(Deployment.environment == "production")
            .group_by(Deployment.service_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        assert service_id is not None, "no deployments: load the demo first"
        return service_id, service_names(session)[service_id]


def service_year(db: Database, service_id: int, runs: int) -> dict[str, Any]:
    definitions, today = Definitions(), utctoday()
    scope = Scope(today - dt.timedelta(days=364), today, [service_id])
    times = []
    with db.session(write=False) as session:
        four_metrics(session, scope, definitions)  # warm the caches once
        for _ in range(runs):
            started = time.perf_counter()
            frequency, lead, failures, _, restore = four_metrics(session, scope, definitions)
            times.append(time.perf_counter() - started)
    return {
        "median_ms": round(1000 * statistics.median(times), 1),
        "min_ms": round(1000 * min(times), 1),
        "max_ms": round(1000 * max(times), 1),
        "deployments": frequency.deployments,
        "lead_time_sample": lead.count,
        "change_failure_rate": failures.value,
        "restore_sample": restore.minutes.count,
    }


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


def delivery(
    run: str, index: int, service: str, rng: random.Random, commits: int
) -> dict[str, Any]:
    """One generic deployment: finished within the last day, its commits hours older."""
    finished = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=rng.randrange(86_400))
    body = {
        "id": f"bench-{run}-{index}",
        "service": service,
        "environment": "production",
        "result": "success" if rng.random() < 0.9 else "failure",
        "started_at": (finished - dt.timedelta(minutes=7)).isoformat(),
        "finished_at": finished.isoformat(),
        "commits": [
            {
                "sha": f"{rng.getrandbits(160):040x}",
                "authored_at": (
                    finished - dt.timedelta(seconds=rng.randrange(60, 90_000))
                ).isoformat(),
            }
            for _ in range(commits)
        ],
    }
    return body


def post_bytes(host: str, port: int, path: str, token: str, body: bytes) -> bytes:
    head = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Connection: keep-alive",
        "Content-Type: application/json",
        f"Authorization: Bearer {token}",
        f"Content-Length: {len(body)}",
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _sender(
    host: str, port: int, requests: list[bytes], answers: list[tuple[float, int]]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for request in requests:
            writer.write(request)
            try:
                status, keep_open = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                status, keep_open = 0, False
            answers.append((time.perf_counter(), status))
            if not keep_open:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


async def _send_all(host: str, port: int, per_client: list[list[bytes]]) -> list[tuple[float, int]]:
    answers: list[tuple[float, int]] = []
    await asyncio.gather(*(_sender(host, port, requests, answers) for requests in per_client))
    return answers


def ingest(args: argparse.Namespace, db: Database, names: list[str]) -> dict[str, Any]:
    """POST `--deployments` deployments through `tmse serve` from `--clients` connections."""
    workdir = Path(tempfile.mkdtemp(prefix="tmse-dora-bench-"))
    env = {
        **os.environ,
        "TMSE_DATABASE_URL": args.database_url,
        "TMSE_SECRET_KEY": "dora-bench-" + workdir.name,
        "TMSE_LOG_LEVEL": "WARNING",
        "COLUMNS": "200",
    }
    token = tmse(
        env, workdir, "token", "create", "--user", "admin", "--name", f"bench {workdir.name}"
    )
    token = token.strip().splitlines()[-1]
    server, base = start_server(env, workdir, args.workers)
    try:
        host, port = "127.0.0.1", int(base.rsplit(":", 1)[1])
        run, rng = uuid.uuid4().hex[:8], random.Random(11)
        bodies = [
            delivery(run, i, rng.choice(names), rng, args.commits) for i in range(args.deployments)
        ]
        if args.batch > 1:  # {"deployments": [...]} to the batch hook, `--batch` at a time
            path = "/api/v1/hooks/generic/deployments/batch"
            payloads = [
                {"deployments": bodies[i : i + args.batch]}
                for i in range(0, len(bodies), args.batch)
            ]
        else:
            path, payloads = "/api/v1/hooks/generic/deployments", bodies
        requests = [post_bytes(host, port, path, token, json.dumps(p).encode()) for p in payloads]
        per_client = [requests[c :: args.clients] for c in range(args.clients)]
        started = time.perf_counter()
        answers = sorted(asyncio.run(_send_all(host, port, per_client)))
        elapsed = answers[-1][0] - started
        http = dora_over_http(base, token, rng.choice(names), args.runs)
    finally:
        stop(server)
    with db.session(write=False) as session:
        stored = session.scalar(
            select(func.count()).where(Deployment.external_id.like(f"bench-{run}-%"))
        )
    accepted = 200 if args.batch > 1 else 201
    created = sum(1 for _, status in answers if status == accepted) * max(1, args.batch)
    created = min(created, len(bodies))
    # Sustained: the rate in each quarter of the answers, so a slowdown late in the run shows.
    quarter = max(1, len(answers) // 4)
    quarters = []
    for q in range(4):
        part = answers[q * quarter : (q + 1) * quarter]
        span = part[-1][0] - (answers[q * quarter - 1][0] if q else started)
        rate = len(part) * max(1, args.batch) / span if span > 0 else None
        quarters.append(round(rate, 1) if rate is not None else None)
    return {
        "sent": len(bodies),
        "requests": len(requests),
        "batch": args.batch,
        "created": created,
        "other_status": sorted({status for _, status in answers if status != accepted}),
        "stored": int(stored or 0),
        "elapsed_s": round(elapsed, 2),
        "deployments_per_s": round(created / elapsed, 1),
        "per_quarter_per_s": quarters,
        "dora_http": http,
    }


def dora_over_http(base: str, token: str, service: str, runs: int) -> dict[str, Any]:
    """GET /api/v1/dora for one service over a year, through the server: median round trip."""
    today = utctoday()
    params = {"service": service, "from": (today - dt.timedelta(days=364)).isoformat()}
    times = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        client.get("/api/v1/dora", params=params).raise_for_status()
        for turn in range(runs):
            started = time.perf_counter()
            # A parameter the route ignores makes each URL new to the server's read cache.
            client.get("/api/v1/dora", params=params | {"uncached": str(turn)}).raise_for_status()
            times.append(time.perf_counter() - started)
    return {"service": service, "median_ms": round(1000 * statistics.median(times), 1)}


def main() -> None:
    args = arguments()
    db = Database(args.database_url)
    with db.session(write=False) as session:
        names = list(service_names(session).values())
        counts = {
            "deployments": session.scalar(select(func.count()).select_from(Deployment)),
            "services": len(names),
        }
    print(f"database: {counts['deployments']:,} deployments, {counts['services']:,} services")
    figures: dict[str, Any] = {"database": counts}
    service_id, name = busiest_service(db)
    figures["service_year"] = {"service": name, **service_year(db, service_id, args.runs)}
    one = figures["service_year"]
    print(
        f"one service over a year ({name}, {one['deployments']} deployments): "
        f"median {one['median_ms']} ms (min {one['min_ms']}, max {one['max_ms']}; "
        f"target ≤ {TARGETS['service_year_ms']:.0f} ms)"
    )
    loop = teams_by_week(db, args.weeks, args.loop_budget)
    figures["teams_by_week"] = loop
    how = (
        f"extrapolated from {loop['scopes_measured']} of {loop['scopes']} scopes"
        if loop["extrapolated"]
        else f"all {loop['scopes']} scopes"
    )
    print(
        f"every team by week ({loop['teams']} teams × {loop['weeks']} weeks): "
        f"{loop['total_s']} s ({how}, {loop['per_scope_ms']} ms a scope; "
        f"target ≤ {TARGETS['teams_by_week_s']:.0f} s)"
    )
    grouped = grouped_by_week(db, args.weeks)
    figures["teams_by_week_grouped"] = grouped
    if grouped is not None:
        print(
            f"every team by week, grouped SQL (tmse.devops.dora.breakdown): {grouped['total_s']} s "
            f"for {grouped['cells']} (team, week) cells"
        )
    if not args.skip_ingest:
        figures["ingest"] = ingest(args, db, names)
        got = figures["ingest"]
        print(
            f"webhook ingestion: {got['sent']} sent in {got['requests']} requests of "
            f"{got['batch']}, {got['created']} accepted, "
            f"{got['stored']} stored, {got['deployments_per_s']} deployments/s over "
            f"{got['elapsed_s']} s (by quarter: {got['per_quarter_per_s']}; other statuses: "
            f"{got['other_status']}; target ≥ {TARGETS['deployments_per_s']:.0f}/s)"
        )
        print(
            f"GET /api/v1/dora, one service over a year: {got['dora_http']['median_ms']} ms median"
        )
    db.dispose()
    args.output.parent.mkdir(exist_ok=True)
    figures["database_url"] = db.engine.url.render_as_string(hide_password=True)
    figures["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    args.output.write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
