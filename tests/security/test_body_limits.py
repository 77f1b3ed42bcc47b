"""Request bodies past their route's limit get 413 problem+json, with or without Content-Length;
import routes take the larger import limit, every other write the smaller one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.helpers.event_loop import run_on_own_loop
from tmse.app import create_app
from tmse.core.body_limit import BodyLimitMiddleware
from tmse.settings import Settings

LIMIT = 1024  # bytes, for writes that are not imports
IMPORT_LIMIT = 4096
# Every route that reads an import; each must take the import limit.
IMPORT_ROUTES = [
    "/api/v1/catalog/import/backstage",
    "/api/v1/requirements/import/csv",
    "/api/v1/kano/surveys/1/responses/import",
    "/api/v1/decisions/import/adr-tools",
    "/api/v1/standards/checks/openapi",
    "/api/v1/standards/checks/log-format",
    "/requirements/import",
    "/kano/1/import",
]


@pytest.fixture
def small_client(settings: Settings, db) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    limited = settings.model_copy(
        update={"max_body_mb": LIMIT / 2**20, "max_import_body_mb": IMPORT_LIMIT / 2**20}
    )
    with TestClient(create_app(limited, db), raise_server_exceptions=False) as client:
        yield client


def _chunks(size: int) -> Iterator[bytes]:
    for _ in range(size // 100):
        yield b"x" * 100


def test_a_write_past_the_limit_is_413_problem_json(small_client, admin) -> None:  # type: ignore[no-untyped-def]
    body = {"name": "team-x", "description": "d" * LIMIT}
    response = small_client.post("/api/v1/teams", json=body, headers=admin.headers)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/content-too-large")
    assert "1 KB" in problem["detail"]
    within = small_client.post("/api/v1/teams", json={"name": "team-y"}, headers=admin.headers)
    assert within.status_code != 413


def test_a_chunked_body_without_length_is_cut_at_the_limit(small_client, admin) -> None:  # type: ignore[no-untyped-def]
    headers = admin.headers | {"content-type": "application/json"}
    response = small_client.post("/api/v1/teams", content=_chunks(LIMIT * 3), headers=headers)
    assert response.status_code == 413
    assert response.json()["type"].endswith("/content-too-large")


def test_a_browser_form_past_the_limit_is_413(small_client) -> None:  # type: ignore[no-untyped-def]
    # The CSRF check reads form bodies before any route: the limit holds there too.
    small_client.get("/login")
    data = {"username": "u" * LIMIT, "password": "p", "csrf_token": "t"}
    response = small_client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 413
    chunked = small_client.post(
        "/login",
        content=_chunks(LIMIT * 2),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert chunked.status_code == 413


@pytest.mark.parametrize("path", IMPORT_ROUTES)
def test_import_routes_take_the_import_limit(small_client, admin, path) -> None:  # type: ignore[no-untyped-def]
    headers = admin.headers | {"content-type": "text/plain"}
    larger_than_a_write = b"#" * (LIMIT * 2)
    assert small_client.post(path, content=larger_than_a_write, headers=headers).status_code != 413
    past_import = small_client.post(path, content=b"#" * (IMPORT_LIMIT + 1), headers=headers)
    assert past_import.status_code == 413


def test_reading_stops_at_the_limit() -> None:
    """Nothing past the limit is read from the client, however much it sends."""
    pulled = 0

    async def receive() -> dict[str, object]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * 100, "more_body": True}

    async def reads_everything(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        while (await receive()).get("more_body"):
            pass

    sent: list[dict[str, object]] = []

    async def send(message) -> None:  # type: ignore[no-untyped-def]
        sent.append(message)

    middleware = BodyLimitMiddleware(reads_everything, limit=1000, import_limit=5000)
    scope = {"type": "http", "method": "POST", "path": "/x", "headers": [], "query_string": b""}
    run_on_own_loop(middleware(scope, receive, send))
    assert pulled == 11  # 1,100 bytes: the message that crossed 1,000, no more
    assert sent[0]["status"] == 413
