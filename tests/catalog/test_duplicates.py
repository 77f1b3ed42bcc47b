"""Duplicate construction: planted duplicates rank first, with evidence; generic words don't."""

from __future__ import annotations

import random

from tmse.catalog.duplicates.similarity import (
    Candidate,
    DuplicatePair,
    find_duplicates,
    name_tokens,
    normalise_path,
    text_terms,
)


def _service(name: str, description: str, *paths: str, fields: tuple[str, ...] = ()) -> Candidate:
    return Candidate(name=name, description=description, owner="team-" + name[:3], paths=paths,
                     schema_fields=fields)  # fmt: skip


PLANTED = {
    ("pay-gateway-svc", "payment-gateway"),
    ("customer-profile", "user-profile"),
    ("billing-invoice-service", "invoice-center"),
}


def catalogue() -> list[Candidate]:
    """Thirty services: three planted duplicate pairs among unrelated ones."""
    return [
        _service(
            "payment-gateway",
            "Routes card payments to acquiring banks and handles refunds",
            "POST /v1/payments",
            "GET /v1/payments/{id}",
            "POST /v1/refunds",
        ),
        _service(
            "pay-gateway-svc",
            "Gateway routing card payments to acquirer banks, refunds too",
            "POST /v2/payments",
            "GET /v2/payments/:paymentId",
        ),
        _service(
            "user-profile",
            "Stores profile data: display name, avatar and preferences",
            "GET /v1/profiles/{id}",
            "PUT /v1/profiles/{id}",
            "GET /v1/profiles/{id}/avatar",
            fields=("userId", "displayName", "avatarUrl", "locale"),
        ),
        _service(
            "customer-profile",
            "Customer profile records with avatar and preferences",
            "GET /api/profiles/{customerId}",
            "PUT /api/profiles/{customerId}",
            "GET /api/profiles/{customerId}/avatar",
            fields=("user_id", "display_name", "avatar_url", "email"),
        ),
        _service(
            "invoice-center",
            "开具电子发票，管理发票红冲与作废，对接税务系统",
            "POST /v1/invoices",
            "POST /v1/invoices/{id}/red-flush",
        ),
        _service(
            "billing-invoice-service",
            "电子发票开具与红冲作废管理，对接税务局系统",
            "POST /v1/invoices/issue",
            "POST /v1/invoices/{no}/red-flush",
        ),
        _service(
            "order-service",
            "Accepts shopping cart checkouts and tracks order state",
            "POST /v1/orders",
            "GET /v1/orders/{id}",
            "GET /healthz",
        ),
        _service(
            "user-service",
            "Sign-up, login and account lifecycle of people",
            "POST /v1/users",
            "GET /v1/users/{id}",
            "GET /healthz",
        ),
        _service(
            "inventory", "Stock levels per warehouse with reservations", "GET /v1/stock/{sku}"
        ),
        _service("shipping-quotes", "Carrier rate shopping for parcels", "POST /v1/quotes"),
        _service("search-indexer", "Builds the product full-text index from catalogue events"),
        _service(
            "product-catalog",
            "Product master data: titles, images, attributes",
            "GET /v1/products/{id}",
        ),
        _service(
            "notification-hub",
            "Sends email, SMS and push messages from templates",
            "POST /v1/notifications",
        ),
        _service("auth-server", "Issues OAuth2 tokens and validates sessions", "POST /oauth/token"),
        _service("audit-log", "Append-only trail of who changed what"),
        _service("feature-flags", "Toggles features per tenant with gradual rollout"),
        _service("report-builder", "Renders PDF and Excel reports on a schedule"),
        _service("fx-rates", "Daily foreign exchange rates from central banks"),
        _service("loyalty-points", "Earns and burns reward points on purchases"),
        _service("reviews", "Product ratings and written reviews by shoppers"),
        _service("recommendation-engine", "Suggests products from browsing history"),
        _service("tax-calculator", "Computes VAT and sales tax per jurisdiction"),
        _service("file-storage", "Uploads and serves files from object storage"),
        _service("chat-support", "Live chat between shoppers and agents"),
        _service("warehouse-robotics", "Dispatches picking robots in fulfilment centres"),
        _service("fraud-detection", "Scores transactions for fraud risk in real time"),
        _service("data-export", "Nightly exports of tables to the data lake"),
        _service("scheduler", "Runs cron-like jobs with retries"),
        _service("监控告警", "采集指标并按规则发送告警通知"),
        _service("config-center", "Central configuration with change history"),
    ]


def _top_pairs(results: list[DuplicatePair], count: int) -> set[tuple[str, str]]:
    return {(pair.first, pair.second) for pair in results[:count]}


def test_planted_pairs_rank_first_with_evidence() -> None:
    results = find_duplicates(catalogue())
    assert _top_pairs(results, 3) == PLANTED
    for pair in results[:3]:
        assert 0.5 <= pair.score <= 1.0
        assert any(signal.matches for signal in pair.evidence.values())


def test_evidence_names_the_matching_signals() -> None:
    by_pair = {(pair.first, pair.second): pair for pair in find_duplicates(catalogue())}
    payment = by_pair[("pay-gateway-svc", "payment-gateway")]
    assert payment.evidence["name"].matches == ("gateway",)
    assert {"payments", "refunds"} <= set(payment.evidence["description"].matches)
    assert "POST /payments" in payment.evidence["paths"].matches
    profile = by_pair[("customer-profile", "user-profile")]
    assert "profile" in profile.evidence["name"].matches
    assert profile.evidence["paths"].score == 1.0
    assert set(profile.evidence["schema"].matches) == {"avatar_url", "display_name", "user_id"}
    invoice = by_pair[("billing-invoice-service", "invoice-center")]
    assert {"发票", "作废"} <= set(invoice.evidence["description"].matches)


def test_shared_generic_word_scores_below_threshold() -> None:
    names = {(pair.first, pair.second) for pair in find_duplicates(catalogue())}
    assert ("order-service", "user-service") not in names
    everything = find_duplicates(catalogue(), threshold=0.0, exhaustive=True)
    order_user = next(
        p for p in everything if (p.first, p.second) == ("order-service", "user-service")
    )
    assert order_user.score < 0.5


def test_order_is_deterministic_whatever_the_input_order() -> None:
    expected = find_duplicates(catalogue(), threshold=0.1)
    shuffled = catalogue()
    random.Random(7).shuffle(shuffled)
    assert find_duplicates(shuffled, threshold=0.1) == expected


def test_blocking_keeps_every_pair_the_exhaustive_scoring_finds() -> None:
    assert find_duplicates(catalogue(), threshold=0.4) == find_duplicates(
        catalogue(), threshold=0.4, exhaustive=True
    )


def test_empty_input_gives_empty_output() -> None:
    assert find_duplicates([]) == []
    assert find_duplicates([Candidate(name="lonely")]) == []


def test_normalisation() -> None:
    assert name_tokens("PayGatewaySvc") == ["pay", "gateway"]
    assert name_tokens("user_profile-API") == ["user", "profile"]
    assert normalise_path("get /api/v2/users/:userId/") == "GET /users/{}"
    assert normalise_path("GET /healthz") is None
    assert text_terms("电子发票") == ["电子", "子发", "发票"]
