"""Decision records over the API: numbered, versioned, audited; adr-tools files in and out."""

from __future__ import annotations

from tests.helpers.adr_files import FOLDER, POSTGRES


def test_create_numbers_records_and_audits(client, make_account):
    architect = make_account("architect")
    first = client.post(
        "/api/v1/decisions",
        json={
            "title": "Use Kafka for events",
            "context": "Many consumers.",
            "decision": "We will use Kafka.",
        },
        headers=architect.headers,
    )
    second = client.post(
        "/api/v1/decisions", json={"title": "Use gRPC internally"}, headers=architect.headers
    )
    assert (first.status_code, first.json()["number"]) == (201, 1)
    assert second.json()["number"] == 2 and second.json()["status"] == "proposed"
    engineer = make_account("engineer")
    assert (
        client.post("/api/v1/decisions", json={"title": "x"}, headers=engineer.headers).status_code
        == 403
    )


def test_update_needs_the_current_version(client, make_account):
    architect = make_account("architect")
    client.post(
        "/api/v1/decisions", json={"title": "Adopt OpenTelemetry"}, headers=architect.headers
    )
    accepted = client.patch(
        "/api/v1/decisions/1", json={"version": 1, "status": "accepted"}, headers=architect.headers
    )
    assert accepted.json()["status"] == "accepted"
    stale = client.patch(
        "/api/v1/decisions/1", json={"version": 1, "status": "rejected"}, headers=architect.headers
    )
    assert stale.status_code == 409
    assert (
        client.get("/api/v1/decisions/1", headers=architect.headers).json()["status"] == "accepted"
    )


def test_adr_tools_folder_round_trips_through_tmse(client, make_account):
    architect = make_account("architect")
    imported = client.post(
        "/api/v1/decisions/import/adr-tools", json={"files": FOLDER}, headers=architect.headers
    )
    assert imported.json() == {"created": len(FOLDER), "updated": 0}
    exported = client.get("/api/v1/decisions/export/adr-tools", headers=architect.headers).json()[
        "files"
    ]
    assert exported == FOLDER  # byte for byte, file names included
    again = client.post(
        "/api/v1/decisions/import/adr-tools", json={"files": FOLDER}, headers=architect.headers
    )
    assert again.json() == {"created": 0, "updated": 0}
    superseded = client.get("/api/v1/decisions?status=superseded", headers=architect.headers)
    assert [d["number"] for d in superseded.json()["items"]] == [2]


def test_bad_file_imports_nothing_and_names_file_and_line(client, make_account):
    architect = make_account("architect")
    broken = {**FOLDER, "0002-use-postgresql.md": POSTGRES.replace("## Context", "## Contxt")}
    response = client.post(
        "/api/v1/decisions/import/adr-tools", json={"files": broken}, headers=architect.headers
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "files.0002-use-postgresql.md" and error["line"] >= 1
    assert client.get("/api/v1/decisions", headers=architect.headers).json()["total"] == 0


def test_decisions_are_linkable_to_services(client, admin):
    client.post("/api/v1/teams", json={"name": "Core"}, headers=admin.headers)
    service = client.post(
        "/api/v1/catalog/services",
        json={"name": "events", "layer": "infrastructure", "owner": "Core"},
        headers=admin.headers,
    ).json()
    record = client.post(
        "/api/v1/decisions", json={"title": "Use Kafka"}, headers=admin.headers
    ).json()
    link = client.post(
        "/api/v1/links",
        json={
            "source": f"adr:{record['id']}",
            "target": f"service:{service['id']}",
            "link_type": "decides",
        },
        headers=admin.headers,
    )
    assert link.status_code == 201
