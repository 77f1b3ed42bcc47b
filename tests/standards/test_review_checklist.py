"""The pure checklist: hand-computed items from a proposal, layering rules and rule results."""

from __future__ import annotations

from dataclasses import dataclass

from tmse.catalog.graph.layers import LayerRules
from tmse.core.messages import Message, render
from tmse.standards.reviews.checklist import (
    ProposedEdge,
    Subject,
    blocking_failures,
    build_checklist,
    similar_names,
)


def english(text: Message) -> str:
    return render(text, "en")


def _subject(**overrides: object) -> Subject:
    values: dict[str, object] = {
        "name": "storefront",
        "layer": "frontend",
        "owner": "Web",
        "owner_exists": True,
        "is_new": True,
    }
    values.update(overrides)
    return Subject(**values)  # type: ignore[arg-type]


def test_a_frontend_reading_a_data_store_skips_two_layers_and_blocks():
    subject = _subject(edges=(ProposedEdge("orders-db", "data-store", "data"),))
    items = build_checklist(subject, LayerRules())
    edge = next(i for i in items if i.key == "layering:data-store:orders-db")
    assert (edge.passed, edge.severity, edge.blocking) == (False, "error", True)
    assert english(edge.item) == "storefront (frontend) → orders-db (data)"
    assert english(edge.details) == "skips-layer: frontend → data skips gateway, business"
    assert [i["key"] for i in blocking_failures(i.as_dict() for i in items)] == [edge.key]


def test_the_stored_rules_decide_allowed_and_skipping_edges():
    subject = _subject(edges=(ProposedEdge("orders-db", "data-store", "data"),))
    allowed = LayerRules(allow=[("frontend", "data")])
    items = {i.key: i for i in build_checklist(subject, allowed)}
    assert items["layering:data-store:orders-db"].passed
    assert english(items["layering:data-store:orders-db"].details) == "frontend → data is allowed"
    skipping = LayerRules(allow_skip_down=True)
    assert {i.key: i for i in build_checklist(subject, skipping)}[
        "layering:data-store:orders-db"
    ].passed


def test_unjudgeable_and_missing_targets():
    subject = _subject(
        layer="business",
        edges=(
            ProposedEdge("events-api", "api", None),
            ProposedEdge("ghost", "service", None, found=False),
        ),
    )
    items = {i.key: i for i in build_checklist(subject, LayerRules())}
    api = items["layering:api:events-api"]
    assert api.passed and api.severity == "info" and not api.blocking
    assert items["layering:service:ghost"].blocking


def test_cycles_owner_name_and_similar_names_items():
    subject = _subject(
        owner_exists=False,
        name_taken=True,
        cycles=(("a", "b", "storefront"),),
        similar_names=(("store-front-svc", 0.95),),
    )
    items = {i.key: i for i in build_checklist(subject, LayerRules())}
    assert (
        english(items["layering:cycles"].details)
        == "cycles through storefront: a → b → storefront → a"
    )
    assert items["layering:cycles"].blocking
    assert items["catalog:owner"].blocking and items["catalog:name"].blocking
    similar = items["catalog:similar-names"]
    assert not similar.passed and not similar.blocking
    assert english(similar.details).startswith("possible duplicates: store-front-svc (95%)")


def test_a_change_has_no_name_items():
    keys = [i.key for i in build_checklist(_subject(is_new=False), LayerRules())]
    assert keys == ["catalog:owner", "layering:cycles"]


def test_similar_names_ignore_generic_words_and_rank_best_first():
    found = similar_names("payment-service", ["payments", "payment-api", "shipping", "pay"])
    assert [name for name, _ in found] == ["payment-api", "payments"]
    assert found[0][1] == 1.0
    assert similar_names("service", ["payments"]) == []


@dataclass(frozen=True)
class _Result:
    standard: str
    standard_version: int
    rule: str
    title: str
    severity: str
    passed: bool
    message: str
    fix_hint: str = ""
    location: str | None = None

    @property
    def finding(self) -> Message:
        return Message(self.message)

    @property
    def hint(self) -> Message:
        return Message(self.fix_hint)


def test_standard_rule_results_become_items_and_failed_errors_block():
    results = [
        _Result("security", 3, "tls", "TLS everywhere", "error", False, "plain HTTP", "enable TLS"),
        _Result("security", 3, "scan", "Secrets scan", "warning", False, "not run"),
        _Result("docs", 1, "readme", "Has a README", "error", True, "found", location="README.md"),
    ]
    items = build_checklist(_subject(is_new=False), LayerRules(), results)
    standard = [i for i in items if i.key.startswith("standard:")]
    assert [(i.key, i.source, i.blocking) for i in standard] == [
        ("standard:security:tls", "security@v3", True),
        ("standard:security:scan", "security@v3", False),
        ("standard:docs:readme", "docs@v1", False),
    ]
    assert english(standard[0].details) == "plain HTTP — enable TLS"
    assert english(standard[2].details) == "found (README.md)"
