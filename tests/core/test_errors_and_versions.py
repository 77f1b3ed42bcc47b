"""problem+json everywhere, fields named, no internals leaked; stale writes get 409."""

from __future__ import annotations

import threading

from fastapi import APIRouter
from fastapi.testclient import TestClient


def test_validation_errors_name_each_nested_field(client, admin):
    response = client.post(
        "/api/v1/users",
        json={"username": "?", "email": "nope", "roles": ["wizard"]},
        headers=admin.headers,
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    fields = {e["field"] for e in body["errors"]}
    assert {"username", "email", "roles.0"} <= fields
    assert body["status"] == 422 and body["type"].endswith("/invalid-input")


def test_not_found_and_wrong_method_are_problems(client, admin):
    missing = client.get("/api/v1/teams/4040", headers=admin.headers)
    assert missing.status_code == 404 and missing.json()["detail"] == "Team 4040 does not exist"
    unknown = client.get("/api/v1/nothing-here", headers=admin.headers)
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    wrong = client.put("/api/v1/teams", headers=admin.headers)
    assert wrong.status_code == 405 and wrong.json()["status"] == 405


def test_unexpected_errors_hide_stack_traces_and_sql(app, admin):
    router = APIRouter()

    @router.get("/api/v1/explode")
    def explode() -> None:
        raise RuntimeError("SELECT secret FROM users -- Traceback internals")

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/explode")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "SELECT" not in response.text and "Traceback" not in response.text
    assert response.json()["request_id"]


def test_malformed_json_body_is_a_clear_problem(client, admin):
    response = client.post(
        "/api/v1/teams",
        content=b"{not json",
        headers={**admin.headers, "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_stale_version_gets_409_with_current_version(client, admin):
    team = client.post("/api/v1/teams", json={"name": "Billing"}, headers=admin.headers).json()
    first = client.patch(
        f"/api/v1/teams/{team['id']}",
        json={"version": 1, "description": "Alice's edit"},
        headers=admin.headers,
    )
    assert first.status_code == 200
    second = client.patch(
        f"/api/v1/teams/{team['id']}",
        json={"version": 1, "description": "Bob's edit"},
        headers=admin.headers,
    )
    assert second.status_code == 409
    assert second.json()["current_version"] == 2
    stored = client.get(f"/api/v1/teams/{team['id']}", headers=admin.headers).json()
    assert stored["description"] == "Alice's edit"


def test_concurrent_editors_cannot_overwrite_each_other(app, admin):
    with TestClient(app, raise_server_exceptions=False) as client:
        team = client.post("/api/v1/teams", json={"name": "Race"}, headers=admin.headers).json()
    barrier = threading.Barrier(4)
    results: list[tuple[int, str]] = []

    def edit(label: str) -> None:
        with TestClient(app, raise_server_exceptions=False) as editor:
            barrier.wait()
            response = editor.patch(
                f"/api/v1/teams/{team['id']}",
                json={"version": 1, "description": label},
                headers=admin.headers,
            )
            results.append((response.status_code, label))

    threads = [threading.Thread(target=edit, args=(f"editor {i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [label for status, label in results if status == 200]
    assert len(winners) == 1, results
    assert sorted(status for status, _ in results) == [200, 409, 409, 409]
    with TestClient(app) as client:
        stored = client.get(f"/api/v1/teams/{team['id']}", headers=admin.headers).json()
    assert stored["description"] == winners[0] and stored["version"] == 2
