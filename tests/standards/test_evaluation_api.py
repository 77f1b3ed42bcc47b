"""Rule results over the API: a service's results, filters and pages, and built-in seeding."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.helpers import SYSTEM
from tmse.standards.registry.builtin import seed_builtin_standards
from tmse.standards.registry.models import StandardVersion
from tmse.standards.registry.shipped_standards import BUILTIN_STANDARDS

RESULTS = "/api/v1/standards/results"
RULES = [
    {"key": "coverage", "check": "coverage", "params": {"threshold": 80}, "severity": "error",
     "level": "silver", "title": "Coverage 80%", "fix_hint": "add tests"},
    {"key": "tls", "check": "tls", "severity": "warning", "level": "bronze"},
    {"key": "described", "check": "description", "params": {"min_length": 10}, "severity": "info",
     "level": "bronze"},
]  # fmt: skip


def _world(client, admin) -> None:  # type: ignore[no-untyped-def]
    h = admin.headers
    client.post("/api/v1/teams", json={"name": "payments"}, headers=h)
    for name, description in (("orders", "Takes and tracks orders"), ("billing", "Bills")):
        client.post(
            "/api/v1/catalog/services",
            json={"name": name, "layer": "business", "owner": "payments",
                  "description": description},
            headers=h,
        )  # fmt: skip
    client.post(
        "/api/v1/standards/registry",
        json={"key": "quality", "name": "Quality", "category": "quality"},
        headers=h,
    )
    published = client.post(
        "/api/v1/standards/registry/quality/versions",
        json={"version": 1, "rules": RULES},
        headers=h,
    )
    assert published.status_code == 201, published.text
    for service, percent in (("orders", 91.0), ("billing", 42.5)):
        client.post(
            "/api/v1/standards/facts",
            json={"service": service, "kind": "coverage", "value": {"percent": percent}},
            headers=h,
        )
    client.post(
        "/api/v1/standards/facts",
        json={"service": "orders", "kind": "tls", "value": {"enabled": True}},
        headers=h,
    )


def test_a_services_results_failures_first_with_location_and_hint(client, admin):
    _world(client, admin)
    billing = client.get(f"{RESULTS}/billing", headers=admin.headers).json()
    assert (billing["passed"], billing["failed"]) == (0, 3)
    # Failures by severity: error, warning, info.
    assert [(r["rule"], r["severity"], r["location"]) for r in billing["results"]] == [
        ("coverage", "error", "fact:coverage"),
        ("tls", "warning", "fact:tls"),
        ("described", "info", "service:description"),
    ]
    assert billing["results"][0]["message"] == "coverage 42.5%, threshold 80%"
    assert billing["results"][0]["fix_hint"] == "add tests"
    assert billing["results"][1]["message"] == "no tls fact reported"
    orders = client.get(f"{RESULTS}/orders", headers=admin.headers).json()
    assert (orders["passed"], orders["failed"]) == (3, 0)
    assert client.get(f"{RESULTS}/nope", headers=admin.headers).status_code == 404


def test_results_filter_and_page(client, admin, make_account):
    _world(client, admin)
    viewer = make_account("viewer")
    everything = client.get(RESULTS, headers=viewer.headers).json()
    assert everything["total"] == 6
    failed = client.get(f"{RESULTS}?passed=false", headers=viewer.headers).json()
    assert [(r["service"], r["rule"]) for r in failed["items"]] == [
        ("billing", "coverage"), ("billing", "tls"), ("billing", "described")
    ]  # fmt: skip
    page = client.get(f"{RESULTS}?limit=2&offset=2", headers=viewer.headers).json()
    assert (page["total"], len(page["items"])) == (6, 2)
    assert page["items"][0]["rule"] == "described"  # the third failure, then passes
    only = client.get(f"{RESULTS}?service=orders&level=bronze", headers=viewer.headers).json()
    assert sorted(r["rule"] for r in only["items"]) == ["described", "tls"]
    none = client.get(f"{RESULTS}?standard=security-policy", headers=viewer.headers).json()
    assert none["total"] == 0
    bad = client.get(f"{RESULTS}?severity=fatal", headers=viewer.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "severity"


def test_retiring_a_standard_takes_its_rules_out_of_the_results(client, admin):
    _world(client, admin)
    detail = client.get("/api/v1/standards/registry/quality", headers=admin.headers).json()
    client.post(
        "/api/v1/standards/registry/quality/retire",
        json={"version": detail["version"]},
        headers=admin.headers,
    )
    assert client.get(RESULTS, headers=admin.headers).json()["total"] == 0


def test_seeding_the_builtin_standards_is_idempotent(db):
    with db.session() as session:
        assert seed_builtin_standards(session, SYSTEM) == len(BUILTIN_STANDARDS)
    with db.session() as session:
        assert seed_builtin_standards(session, SYSTEM) == 0
        versions = session.scalar(select(func.count()).select_from(StandardVersion))
        levels = {
            rule["level"]
            for rules in session.scalars(select(StandardVersion.rules))
            for rule in rules
        }
    assert versions == len(BUILTIN_STANDARDS)
    assert levels == {"bronze", "silver", "gold"}
    categories = {builtin.category.value for builtin in BUILTIN_STANDARDS}
    assert categories == {"coding-style", "interface-naming", "log-format", "security-policy",
                          "quality", "ownership"}  # fmt: skip
