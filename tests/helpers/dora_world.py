"""A small DevOps world delivered through the generic hooks, for the DORA drill-downs and pages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import Account
from tests.helpers.devops import deliver, deployment, incident, services

RANGE = {"from": "2026-03-02", "to": "2026-03-15"}  # two 7-day weeks, Monday to Sunday


def sha(n: int) -> str:
    return f"{n:040x}"


def build(client: TestClient, admin: Account, pay: str = "pay") -> None:
    """Service `pay` (team Payments) with deployments d1..d6 and incidents i1..i5, and `ledger`
    (team Books) with l1; the comments give each record's part in the figures."""
    services(client, admin, pay)
    services(client, admin, "ledger", team="Books")
    deliveries = [
        # d1: changes c1 (120 min) and c2 (1440 min); no incident: not failed.
        deployment("d1", "2026-03-02T10:00:00Z", (sha(1), "2026-03-02T08:00:00Z"),
                   (sha(2), "2026-03-01T10:00:00Z"), service=pay),
        # d2: change c3 (60 min); i1 and i4 name it.
        deployment("d2", "2026-03-02T16:00:00Z", (sha(3), "2026-03-02T15:00:00Z"), service=pay),
        # d3: failed by its result; its change c4 never reached production.
        deployment("d3", "2026-03-04T12:00:00Z", (sha(4), "2026-03-04T11:30:00Z"),
                   result="failure", service=pay),
        # d4: changes c5 (1440 min) and c6 (60 min); i2 opened 3 h after it, naming nothing.
        deployment("d4", "2026-03-10T09:00:00Z", (sha(5), "2026-03-09T09:00:00Z"),
                   (sha(6), "2026-03-10T08:00:00Z"), service=pay),
        # Staging, and after the range: in no list.
        deployment("d5", "2026-03-12T09:00:00Z", (sha(7), "2026-03-12T08:00:00Z"),
                   environment="staging", service=pay),
        deployment("d6", "2026-03-16T09:00:00Z", (sha(8), "2026-03-16T08:00:00Z"), service=pay),
        deployment("l1", "2026-03-03T09:00:00Z", (sha(9), "2026-03-03T08:00:00Z"),
                   service="ledger"),
    ]  # fmt: skip
    for body in deliveries:
        assert deliver(client, admin, "deployments", body).status_code == 201
    incidents = [
        incident("i1", "2026-03-10T10:00:00Z", "2026-03-10T11:30:00Z", deployment_id="d2",
                 service=pay),  # 90 min
        incident("i2", "2026-03-10T12:00:00Z", "2026-03-10T12:30:00Z", service=pay),  # 30 min
        incident("i3", "2026-03-14T00:00:00Z", service=pay),  # still open; nothing in 24 h
        incident("i4", "2026-03-11T10:00:00Z", "2026-03-11T10:30:00Z", deployment_id="d2",
                 service=pay),  # 30 min
        # Names a deployment no tool ever delivered: counts against none. 180 min.
        incident("i5", "2026-03-12T10:00:00Z", "2026-03-12T13:00:00Z",
                 deployment_id="ghost-deploy", service=pay),
    ]  # fmt: skip
    for body in incidents:
        assert deliver(client, admin, "incidents", body).status_code == 201
