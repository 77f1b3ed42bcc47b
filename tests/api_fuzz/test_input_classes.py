"""Each class of hostile input gets a 422 naming the field, never a 500, and stores nothing:
integers beyond the column, decimals beyond their precision, control characters, null for a
field that cannot be empty. Run on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

INT32_OVER = 2**31
INT64_OVER = 2**63


def fields_of(response: Any) -> set[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return {error["field"] for error in response.json()["errors"]}


@pytest.fixture
def team(client, admin) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    created = client.post("/api/v1/teams", json={"name": "Billing"}, headers=admin.headers)
    assert created.status_code == 201
    return created.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("path_id", [INT32_OVER, INT64_OVER, 10**30, 0, -1])
def test_an_id_beyond_the_column_in_the_path_is_refused(client, admin, path_id):
    for path in (f"/api/v1/teams/{path_id}", f"/api/v1/strategy/goals/{path_id}"):
        assert fields_of(client.get(path, headers=admin.headers)) <= {"team_id", "goal_id"}
    deleted = client.delete(f"/api/v1/delivery/projects/{path_id}?version=1", headers=admin.headers)
    assert fields_of(deleted) == {"project_id"}


@pytest.mark.parametrize("offset", [INT64_OVER, INT32_OVER, -1])
def test_an_offset_beyond_the_range_is_refused(client, admin, offset):
    for path in ("/api/v1/teams", "/api/v1/requirements", "/api/v1/traceability/matrix"):
        assert fields_of(client.get(f"{path}?offset={offset}", headers=admin.headers)) == {"offset"}


def test_an_id_beyond_the_column_in_a_body_or_filter_is_refused(client, admin, team):
    body = {"name": "Payments", "parent_id": INT32_OVER}
    assert fields_of(client.post("/api/v1/teams", json=body, headers=admin.headers)) == {
        "parent_id"
    }
    assert fields_of(
        client.get(f"/api/v1/teams?parent_id={INT64_OVER}", headers=admin.headers)
    ) == {"parent_id"}
    names = [t["name"] for t in client.get("/api/v1/teams", headers=admin.headers).json()["items"]]
    assert names == ["Billing"]


def test_a_nul_in_a_title_is_refused_and_nothing_is_stored(client, admin):
    created = client.post(
        "/api/v1/requirements", json={"title": "Export\x00 to PDF"}, headers=admin.headers
    )
    assert fields_of(created) == {"title"}
    assert client.get("/api/v1/requirements", headers=admin.headers).json()["total"] == 0


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"])
def test_control_characters_are_refused_in_body_query_and_path(client, admin, team, character):
    edit = {"version": team["version"], "description": f"line one{character}"}
    assert fields_of(
        client.patch(f"/api/v1/teams/{team['id']}", json=edit, headers=admin.headers)
    ) == {"description"}
    assert fields_of(
        client.get("/api/v1/teams", params={"q": f"a{character}"}, headers=admin.headers)
    ) == {"q"}
    service = client.get(f"/api/v1/catalog/services/pay{quote(character)}", headers=admin.headers)
    assert fields_of(service) == {"name"}
    # A free-form JSON object: the key itself is checked, and the value under a key.
    change = {"requirement_id": 1, "reason": "why", "changes": {f"title{character}": "x"}}
    assert fields_of(
        client.post("/api/v1/change-requests", json=change, headers=admin.headers)
    ) == {"changes"}
    stored = client.get(f"/api/v1/teams/{team['id']}", headers=admin.headers).json()
    assert stored["description"] == "" and stored["version"] == team["version"]


def test_multi_line_text_keeps_tabs_and_newlines_but_a_name_does_not(client, admin, team):
    edit = {"version": team["version"], "description": "first\tline\r\nsecond line"}
    saved = client.patch(f"/api/v1/teams/{team['id']}", json=edit, headers=admin.headers)
    assert saved.status_code == 200
    assert saved.json()["description"] == "first\tline\r\nsecond line"
    created = client.post(
        "/api/v1/requirements", json={"title": "two\nlines"}, headers=admin.headers
    )
    assert fields_of(created) == {"title"}


def test_an_explicit_null_for_a_required_field_in_a_patch_is_refused(client, admin, team):
    nulled = client.patch(
        f"/api/v1/teams/{team['id']}",
        json={"version": team["version"], "name": None},
        headers=admin.headers,
    )
    assert fields_of(nulled) == {"name"}
    assert (
        client.get(f"/api/v1/teams/{team['id']}", headers=admin.headers).json()["name"] == "Billing"
    )


def test_null_still_clears_a_field_whose_column_may_be_empty(client, admin, team):
    child = client.post(
        "/api/v1/teams", json={"name": "Invoices", "parent_id": team["id"]}, headers=admin.headers
    ).json()
    cleared = client.patch(
        f"/api/v1/teams/{child['id']}",
        json={"version": child["version"], "parent_id": None},
        headers=admin.headers,
    )
    assert cleared.status_code == 200 and cleared.json()["parent_id"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("target_value", "123456789012345.5"), ("target_value", 1e300), ("baseline_value", "1.00001")],
)
def test_a_decimal_beyond_its_column_is_refused(client, admin, field, value):
    goal = {
        "name": "Faster checkout",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "metric": "p95 latency",
        "target_value": "250",
        field: value,
    }
    assert fields_of(client.post("/api/v1/strategy/goals", json=goal, headers=admin.headers)) == {
        field
    }
    assert client.get("/api/v1/strategy/goals", headers=admin.headers).json()["total"] == 0


def test_a_number_is_not_read_as_a_date(client, admin):
    audit = client.get("/api/v1/audit?until=0.5", headers=admin.headers)
    assert fields_of(audit) == {"until"}


def test_every_operation_declares_its_problem_answers(client):
    schema = client.get("/api/openapi.json").json()
    for path, item in schema["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in item.items():
            for status in ("401", "403", "404", "409", "422"):
                content = operation["responses"][status]["content"]
                assert list(content) == ["application/problem+json"], (method, path, status)
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= set(operation["responses"]), (method, path)


def test_every_request_integer_is_bounded_and_every_string_limited(client):
    """Safe by construction: a new field without limits fails here, before a fuzzer finds it."""
    schema = client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    unbounded: list[str] = []

    def walk(node: Any, where: str, seen: frozenset[str], limits: set[str]) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(components[name], where, seen | {name}, limits)
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for branch in node.get(key, []):
                walk(branch, where, seen, limits)
        kind = node.get("type")
        if kind in ("integer", "number") and not ("maximum" in node and "minimum" in node):
            unbounded.append(where)
        if kind == "string" and not limits & set(node):
            unbounded.append(where)
        for name, child in node.get("properties", {}).items():
            walk(child, f"{where}.{name}", seen, limits)
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{where}[]", seen, limits)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], f"{where}.*", seen, limits)

    # A body string may instead be bounded by its own pattern (names like `^[a-z]{1,120}$`).
    parameter_limits = {"maxLength", "enum", "const", "format"}
    body_limits = parameter_limits | {"pattern"}

    for path, item in schema["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                walk(
                    parameter["schema"],
                    f"{label} {parameter['name']}",
                    frozenset(),
                    parameter_limits,
                )
            media = operation.get("requestBody", {}).get("content", {})
            if "application/json" in media:
                walk(media["application/json"]["schema"], f"{label} body", frozenset(), body_limits)
    assert unbounded == []
