"""Backstage import and export over HTTP, and through the `tmse` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers.backstage_examples import EXAMPLES
from tmse.migrations import upgrade

YAML = {"Content-Type": "application/yaml"}
CATALOG = """apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payment-gateway
  annotations: {tmse.io/layer: gateway, example.com/on-call: pager-7}
  tags: [java]
spec:
  type: service
  lifecycle: production
  owner: payments
  dependsOn: ['component:fraud-check']
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: fraud-check}
spec: {type: service, lifecycle: experimental, owner: payments}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: li.wei}
spec: {memberOf: [payments]}
"""


def test_import_then_export_over_the_api(client, admin):
    response = client.post(
        "/api/v1/catalog/import/backstage", content=CATALOG, headers=admin.headers | YAML
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "created": {"group": 1, "component": 2, "dependency": 1},
        "updated": {},
        "unchanged": {},
        "skipped": ["User:li.wei"],
        "errors": [],
    }
    gateway = client.get("/api/v1/catalog/services/payment-gateway", headers=admin.headers)
    assert gateway.json()["layer"] == "gateway" and gateway.json()["owner"] == "payments"

    exported = client.get("/api/v1/catalog/export/backstage", headers=admin.headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/yaml")
    documents = {d["metadata"]["name"]: d for d in yaml.safe_load_all(exported.text)}
    assert documents["payment-gateway"]["metadata"]["tags"] == ["java"]
    assert documents["payment-gateway"]["metadata"]["annotations"] == {
        "tmse.io/layer": "gateway",
        "example.com/on-call": "pager-7",
    }
    assert documents["payment-gateway"]["spec"]["dependsOn"] == ["component:fraud-check"]

    again = client.post(
        "/api/v1/catalog/import/backstage",
        content=exported.text,
        headers=admin.headers | {"Content-Type": "text/plain"},
    )
    assert again.json()["created"] == {} and again.json()["unchanged"]["component"] == 2


def test_a_file_with_errors_is_a_422_listing_each_and_stores_nothing(client, admin):
    bad = CATALOG.replace("owner: payments\n  dependsOn", "owner: nobody\n  dependsOn")
    bad = bad.replace("lifecycle: experimental", "lifecycle: sunset")
    response = client.post(
        "/api/v1/catalog/import/backstage?file=teams/payments.yaml",
        content=bad,
        headers=admin.headers | {"Content-Type": "text/yaml"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert "nothing was imported" in body["detail"]
    assert body["errors"] == [
        {
            "file": "teams/payments.yaml",
            "line": 15,
            "entity": "component:default/payment-gateway",
            "field": "spec.owner",
            "message": "unknown owner 'nobody'",
            "finding_message": {
                "id": "unknown {what} '{name}'",
                "params": {"what": {"id": "owner", "params": {}}, "name": "nobody"},
            },
        },
        {
            "file": "teams/payments.yaml",
            "line": 21,
            "entity": "component:default/fraud-check",
            "field": "spec.lifecycle",
            "message": "'sunset' is not one of experimental, production, deprecated",
            "finding_message": {
                "id": "'{value}' is not one of {choices}",
                "params": {"value": "sunset", "choices": "experimental, production, deprecated"},
            },
        },
    ]
    assert client.get("/api/v1/teams?q=payments", headers=admin.headers).json()["total"] == 0
    assert client.get("/api/v1/catalog/services", headers=admin.headers).json()["total"] == 0


def test_malformed_body_names_the_line(client, admin):
    response = client.post(
        "/api/v1/catalog/import/backstage",
        content="kind: Component\nmetadata: {name: x\nspec: {}\n",
        headers=admin.headers | YAML,
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["file"] == "catalog-info.yaml" and error["line"] == 3
    assert error["message"].startswith("malformed YAML")


def test_media_type_size_and_permissions(client, admin, make_account):
    url = "/api/v1/catalog/import/backstage"
    as_json = client.post(url, content="{}", headers=admin.headers | {"Content-Type": "text/csv"})
    assert as_json.status_code == 415
    limit = int(client.app.state.settings.max_import_body_mb * 1024 * 1024)
    large = client.post(url, content="#" * (limit + 1), headers=admin.headers | YAML)
    assert large.status_code == 413 and "larger than" in large.json()["detail"]
    viewer = make_account("viewer")
    assert client.post(url, content=CATALOG, headers=viewer.headers | YAML).status_code == 403
    assert client.post(url, content=CATALOG, headers=YAML).status_code == 401
    export = "/api/v1/catalog/export/backstage"
    assert client.get(export, headers=viewer.headers).status_code == 200
    assert client.get(export).status_code == 401


def _tmse(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMSE_DATABASE_URL": database_url, "TMSE_LOG_JSON": "false"}
    return subprocess.run(
        [sys.executable, "-m", "tmse", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def migrated(database_url: str) -> str:
    upgrade(database_url)
    return database_url


def test_cli_imports_a_folder_reports_errors_and_exports(migrated, tmp_path: Path):
    result = _tmse(migrated, "import", "backstage", str(EXAMPLES))
    assert result.returncode == 1
    said = " ".join(result.stderr.split())  # rich wraps lines at the terminal width
    assert "components/petstore-component.yaml:14 component:default/petstore spec.owner" in said
    assert "the other files were imported" in said
    output = tmp_path / "catalog-info.yaml"
    exported = _tmse(migrated, "export", "backstage", "-o", str(output))
    assert exported.returncode == 0, exported.stderr
    names = {d["metadata"]["name"] for d in yaml.safe_load_all(output.read_text())}
    assert {"artist-lookup", "wayback-archive", "team-a", "artists"} <= names
    again = _tmse(migrated, "import", "backstage", str(output))
    assert again.returncode == 0, again.stderr
    assert _tmse(migrated, "audit", "verify").returncode == 0


def test_folder_import_reads_descriptors_recursively_and_leaves_other_yaml(tmp_path: Path):
    from tmse.integrations.backstage import descriptor_files

    (tmp_path / "svc" / "api").mkdir(parents=True)
    (tmp_path / "svc" / "catalog-info.yml").write_text(CATALOG)
    (tmp_path / "svc" / "api" / "openapi.yaml").write_text("openapi: 3.0.3\npaths: {}\n")
    (tmp_path / "notes.txt").write_text(CATALOG)
    assert list(descriptor_files(tmp_path)) == ["svc/catalog-info.yml"]
