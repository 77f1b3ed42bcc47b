"""Backstage descriptors: every supported kind read, unknown fields kept, errors located."""

from __future__ import annotations

from pathlib import Path

import yaml

from tmse.integrations.backstage.descriptors import (
    EntityRef,
    parse_catalog,
    parse_catalog_files,
    parse_entity_ref,
    render_catalog,
)

FIXTURE = Path(__file__).parent / "fixtures" / "backstage" / "catalog-info.yaml"


def test_reads_every_supported_kind_and_skips_the_rest():
    parsed = parse_catalog(FIXTURE.read_text(), "catalog-info.yaml")
    assert parsed.issues == []
    assert [(e.kind, e.name) for e in parsed.entities] == [
        ("Domain", "commerce"),
        ("System", "checkout"),
        ("Component", "payment-gateway"),
        ("Component", "fraud-check"),
        ("API", "payments-api"),
        ("Resource", "payments-db"),
        ("Group", "payments"),
    ]
    assert parsed.skipped == ["User:li.wei"]
    gateway = parsed.entities[2]
    assert gateway.line == 18  # the first line of its document
    assert gateway.spec["dependsOn"] == ["resource:payments-db", "component:fraud-check"]
    assert gateway.metadata["annotations"]["github.com/project-slug"] == "acme/payment-gateway"


def test_round_trip_keeps_unknown_fields_and_unicode():
    original = list(yaml.safe_load_all(FIXTURE.read_text()))
    parsed = parse_catalog(FIXTURE.read_text())
    rendered = render_catalog(e.raw for e in parsed.entities)
    assert "结账系统" in rendered
    again = list(yaml.safe_load_all(rendered))
    assert again == [d for d in original if d["kind"] != "User"]


def test_entity_refs_follow_backstage_defaults():
    assert parse_entity_ref("team-a", "Group") == EntityRef("Group", "default", "team-a")
    assert parse_entity_ref("resource:artists-db", "Component") == EntityRef(
        "Resource", "default", "artists-db"
    )
    assert parse_entity_ref("api:ops/fx-rates", "API") == EntityRef("API", "ops", "fx-rates")
    assert str(parse_entity_ref("group:default/team-a", "Group")) == "group:default/team-a"


def test_malformed_yaml_reports_the_line_and_imports_nothing():
    text = FIXTURE.read_text().replace("  lifecycle: experimental", "  lifecycle: [experimental")
    parsed = parse_catalog(text, "bad.yaml")
    assert parsed.entities == []
    [issue] = parsed.issues
    assert issue.source == "bad.yaml" and "malformed YAML" in issue.message
    assert 40 <= issue.line <= 46  # where the unclosed list is noticed


def test_missing_fields_are_reported_at_their_entity_and_line():
    text = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: half-done
spec:
  type: service
  owner: payments
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: Bad Name!
spec:
  type: openapi
  lifecycle: production
  owner: payments
  definition: "{}"
"""
    parsed = parse_catalog(text, "x.yaml")
    assert [(i.line, i.entity, i.field) for i in parsed.issues] == [
        (5, "component:default/half-done", "spec.lifecycle"),
        (12, "api:default/Bad Name!", "metadata.name"),
    ]


def test_folder_reports_the_same_entity_defined_twice():
    single = FIXTURE.read_text().split("---\n")[3]
    parsed = parse_catalog_files({"a/catalog-info.yaml": single, "b/catalog-info.yaml": single})
    [issue] = parsed.issues
    assert issue.source == "b/catalog-info.yaml"
    assert "also defined in a/catalog-info.yaml" in issue.message
