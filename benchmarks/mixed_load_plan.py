"""What `mixed_load.py` reads and writes: distinct list and detail URLs across every module of
the small demo (JSON API and pages), and a cycle of creates and edits over several entity types.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

PAGE = 50


def _items(answer: Any) -> list[dict[str, Any]]:
    """The rows of a list answer, whether a page (`items`) or a bare list."""
    if isinstance(answer, list):
        return answer
    return list(answer.get("items", []))


def _first(client: httpx.Client, path: str, count: int, field: str = "id") -> list[Any]:
    answer = client.get(path, params={"limit": count})
    answer.raise_for_status()
    return [row[field] for row in _items(answer.json())[:count]]


def api_urls(client: httpx.Client) -> list[str]:
    """JSON lists (pages of 50 at several offsets) and records of each module."""
    urls = [
        f"/api/v1/catalog/services?limit={PAGE}&offset={offset}" for offset in (0, 50, 100, 150)
    ]
    urls += [f"/api/v1/requirements?limit={PAGE}&offset={offset}" for offset in (0, 50, 100, 150)]
    urls += [
        f"/api/v1/{path}?limit={PAGE}"
        for path in (
            "catalog/apis",
            "catalog/data-stores",
            "catalog/systems",
            "catalog/domains",
            "catalog/dependencies",
            "standards/registry",
            "standards/results",
            "decisions",
            "reviews",
            "scorecards",
            "strategy/goals",
            "strategy/initiatives",
            "baselines",
            "change-requests",
            "kano/surveys",
            "traceability/matrix",
            "delivery/projects",
            "users",
            "teams",
            "audit",
        )
    ]
    services = _first(client, "/api/v1/catalog/services", 12, "name")
    urls += [f"/api/v1/catalog/services/{name}" for name in services]
    urls += [f"/api/v1/scorecards/{name}" for name in services[:4]]
    urls += [f"/api/v1/standards/results/{name}" for name in services[:4]]
    urls += [f"/api/v1/requirements/{i}" for i in _first(client, "/api/v1/requirements", 12)]
    urls += [f"/api/v1/decisions/{n}" for n in _first(client, "/api/v1/decisions", 4, "number")]
    urls += [
        f"/api/v1/standards/registry/{k}"
        for k in _first(client, "/api/v1/standards/registry", 4, "key")
    ]
    urls += [f"/api/v1/strategy/goals/{i}" for i in _first(client, "/api/v1/strategy/goals", 4)]
    urls += [f"/api/v1/baselines/{i}" for i in _first(client, "/api/v1/baselines", 3)]
    urls += [f"/api/v1/change-requests/{i}" for i in _first(client, "/api/v1/change-requests", 4)]
    urls += [f"/api/v1/kano/surveys/{i}" for i in _first(client, "/api/v1/kano/surveys", 3)]
    projects = _first(client, "/api/v1/delivery/projects", 4)
    urls += [f"/api/v1/delivery/projects/{i}" for i in projects]
    urls += [f"/api/v1/delivery/projects/{i}/releases" for i in projects]
    return urls


def page_urls(client: httpx.Client) -> list[str]:
    """Signed-in pages: the list page of each module and some records' pages."""
    urls = [
        "/catalog",
        "/catalog/apis",
        "/catalog/data-stores",
        "/standards",
        "/decisions",
        "/reviews",
        "/scorecards",
        "/strategy",
        "/requirements",
        "/baselines",
        "/changes",
        "/kano",
        "/traceability",
        "/projects",
    ]
    urls += [
        f"/catalog/services/{n}" for n in _first(client, "/api/v1/catalog/services", 6, "name")
    ]
    urls += [f"/requirements/{i}" for i in _first(client, "/api/v1/requirements", 6)]
    urls += [f"/decisions/{n}" for n in _first(client, "/api/v1/decisions", 2, "number")]
    urls += [f"/strategy/goals/{i}" for i in _first(client, "/api/v1/strategy/goals", 2)]
    urls += [f"/baselines/{i}" for i in _first(client, "/api/v1/baselines", 2)]
    urls += [f"/changes/{i}" for i in _first(client, "/api/v1/change-requests", 2)]
    urls += [f"/kano/{i}" for i in _first(client, "/api/v1/kano/surveys", 2)]
    urls += [f"/projects/{i}" for i in _first(client, "/api/v1/delivery/projects", 2)]
    return urls


def answering(client: httpx.Client, urls: list[str], headers: dict[str, str]) -> list[str]:
    """The URLs that answer 200 (each once, before the clock starts); the others are named."""
    kept = []
    for url in urls:
        status = client.get(url, headers=headers).status_code
        if status == 200:
            kept.append(url)
        else:
            print(f"  left out {url}: HTTP {status}")
    return kept


Write = Callable[[httpx.Client, int], httpx.Response]


def writes(client: httpx.Client) -> Iterator[tuple[str, Write]]:
    """An endless cycle of (name, write): creates and edits across entity types, each edit sent
    with the version the previous answer returned."""
    services = _first(client, "/api/v1/catalog/services", 5, "name")
    requirements = _first(client, "/api/v1/requirements", 5)
    projects = _first(client, "/api/v1/delivery/projects", 3)
    goals = _first(client, "/api/v1/strategy/goals", 3)
    versions: dict[str, int] = {}
    created: list[int] = []

    def version_of(path: str) -> int:
        if path not in versions:
            versions[path] = int(client.get(path).json()["version"])
        return versions[path]

    def edit(path: str, field: str, value: str) -> httpx.Response:
        answer = client.patch(path, json={"version": version_of(path), field: value})
        if answer.status_code == 200:
            versions[path] = int(answer.json()["version"])
        else:
            versions.pop(path, None)
        return answer

    def create_requirement(turn: int) -> httpx.Response:
        answer = client.post("/api/v1/requirements", json={"title": f"Mixed load request {turn}"})
        if answer.status_code == 201:
            created.append(int(answer.json()["id"]))
        return answer

    def edit_service(turn: int) -> httpx.Response:
        name = services[turn % len(services)]
        return edit(f"/api/v1/catalog/services/{name}", "description", f"Edited {turn}")

    def report_fact(turn: int) -> httpx.Response:
        service = services[turn % len(services)]
        payload = {"service": service, "kind": "coverage", "value": {"percent": turn % 100}}
        return client.post("/api/v1/standards/facts", json=payload)

    def edit_requirement(turn: int) -> httpx.Response:
        # One this run created: demo requirements may be in a state that takes no edits.
        path = f"/api/v1/requirements/{(created or requirements)[-1]}"
        return edit(path, "description", f"Edited {turn}")

    def edit_project(turn: int) -> httpx.Response:
        path = f"/api/v1/delivery/projects/{projects[turn % len(projects)]}"
        return edit(path, "description", f"Edited {turn}")

    def edit_goal(turn: int) -> httpx.Response:
        path = f"/api/v1/strategy/goals/{goals[turn % len(goals)]}"
        return edit(path, "description", f"Edited {turn}")

    def run(write: Callable[[int], httpx.Response]) -> Write:
        return lambda _client, turn: write(turn)

    return itertools.cycle(
        [
            ("create requirement", run(create_requirement)),
            ("edit service", run(edit_service)),
            ("report fact", run(report_fact)),
            ("edit requirement", run(edit_requirement)),
            ("edit project", run(edit_project)),
            ("edit goal", run(edit_goal)),
        ]
    )


def write_at_rate(
    client: httpx.Client, rate: float, seconds: float, warmup: float
) -> tuple[list[float], list[str]]:
    """Writes at `rate` per second (open loop) for warmup + seconds: latencies after the warm-up
    (seconds) and the failures."""
    latencies: list[float] = []
    failures: list[str] = []
    plan = writes(client)
    started = time.perf_counter()
    for turn in itertools.count():
        scheduled = started + turn / rate
        if scheduled >= started + warmup + seconds:
            break
        if (delay := scheduled - time.perf_counter()) > 0:
            time.sleep(delay)
        name, write = next(plan)
        try:
            answer = write(client, turn)
            status = str(answer.status_code)
            ok = answer.status_code in (200, 201)
        except httpx.HTTPError as exc:
            status, ok = type(exc).__name__, False
        if scheduled >= started + warmup:
            latencies.append(time.perf_counter() - scheduled)
            if not ok:
                failures.append(f"{name}: {status}")
    return latencies, failures
