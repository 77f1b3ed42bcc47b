"""The organisation heat map on the small seeded catalog, cell by cell."""

from __future__ import annotations

from tests.helpers.scorecards import seed


def test_heat_map_by_team_pools_rule_results(client, admin, db):
    seed(client, admin, db)
    empty = client.get("/api/v1/scorecards/heatmap", headers=admin.headers).json()
    assert (empty["taken_on"], empty["cells"]) == (None, [])
    client.post("/api/v1/scorecards/snapshots", headers=admin.headers)
    grid = client.get("/api/v1/scorecards/heatmap?by=team", headers=admin.headers).json()
    assert (grid["rows"], grid["standards"]) == (["Alpha", "Beta"], ["docs", "ops"])
    cells = {(c["row"], c["standard"]): (c["passed"], c["total"], c["rate"]) for c in grid["cells"]}
    # Alpha: svc-a passes docs 3/3 and ops 1/1, svc-b docs 2/3 and ops 0/1.
    # Beta: svc-c passes docs 1/3 (owner only) and ops 1/1.
    assert cells == {
        ("Alpha", "docs"): (5, 6, 83.3),
        ("Alpha", "ops"): (1, 2, 50.0),
        ("Beta", "docs"): (1, 3, 33.3),
        ("Beta", "ops"): (1, 1, 100.0),
    }


def test_heat_map_by_system_and_layer_and_a_bad_grouping(client, admin, db):
    seed(client, admin, db)
    client.post("/api/v1/scorecards/snapshots", headers=admin.headers)
    by_system = client.get("/api/v1/scorecards/heatmap?by=system", headers=admin.headers).json()
    assert by_system["rows"] == ["shop"]  # svc-c belongs to no system
    by_layer = client.get("/api/v1/scorecards/heatmap?by=layer", headers=admin.headers).json()
    docs = next(c for c in by_layer["cells"] if c["standard"] == "docs")
    assert (docs["row"], docs["passed"], docs["total"], docs["services"]) == ("business", 6, 9, 3)
    bad = client.get("/api/v1/scorecards/heatmap?by=colour", headers=admin.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "by"
