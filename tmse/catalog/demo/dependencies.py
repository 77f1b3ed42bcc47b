"""The demo company's dependencies as plain data: service→service edges between the services of
`plan.py` and service→data store edges, with what is planted on purpose."""
# Planted, so the checks have something to find (tests read these constants):
# - one dependency cycle: order-service → payment-service → settlement-service → order-service;
# - four layering violations (`PLANTED_LAYER_VIOLATIONS`);
# - three pairs of services built twice by different teams (`PLANTED_DUPLICATES`).
# Every other edge goes one layer down or stays within its layer without closing a loop.

from __future__ import annotations

_GATEWAY_TO_BUSINESS = {
    "api-gateway": ("auth-service", "order-service", "cart-service", "checkout-service",
                    "product-catalog-service", "search-service", "user-service",
                    "review-service", "payment-service", "refund-service"),
    "mobile-bff": ("product-catalog-service", "recommendation-service", "cart-service",
                   "order-service", "member-points-service", "notification-center",
                   "auth-service"),
    "merchant-bff": ("order-service", "product-catalog-service", "settlement-service",
                     "inventory-service", "invoice-service"),
    "open-platform-gateway": ("auth-service", "order-service", "logistics-service"),
}  # fmt: skip
_ADJACENCY: dict[str, tuple[str, ...]] = {
    "mall-web": ("api-gateway",),
    "mall-h5": ("api-gateway",),
    "mall-app-ios": ("mobile-bff",),
    "mall-app-android": ("mobile-bff",),
    "wechat-mini-program": ("mobile-bff",),
    "merchant-console": ("merchant-bff",),
    "ops-admin-console": ("api-gateway",),
    "bi-portal": ("api-gateway",),
    "mobile-bff": ("api-gateway",),
    **_GATEWAY_TO_BUSINESS,
    "checkout-service": ("cart-service", "pricing-service", "inventory-service", "order-service",
                         "coupon-service", "payment-service", "risk-engine"),
    "order-service": ("inventory-service", "pricing-service", "payment-service",
                      "logistics-service", "user-service", "notification-service",
                      "id-generator"),
    "payment-service": ("payment-channel-adapter", "risk-engine", "wallet-service",
                        "settlement-service", "id-generator"),
    "settlement-service": ("order-service",),  # closes the planted cycle
    "refund-service": ("payment-service", "order-service"),
    "invoice-service": ("settlement-service",),
    "pricing-service": ("promotion-service", "product-catalog-service"),
    "promotion-service": ("product-catalog-service", "membership-level-service"),
    "coupon-service": ("user-service",),
    "member-coupon-service": ("user-service",),
    "cart-service": ("product-catalog-service", "pricing-service"),
    "wallet-service": ("user-service",),
    "risk-engine": ("anti-fraud-service", "user-service", "feature-service", "model-serving"),
    "anti-fraud-service": ("user-service", "model-serving"),
    "auth-service": ("user-service",),
    "member-points-service": ("user-service", "membership-level-service"),
    "membership-level-service": ("user-service",),
    "customer-profile-service": ("user-service",),
    "search-service": ("product-catalog-service",),
    "recommendation-service": ("product-catalog-service", "feature-service", "model-serving"),
    "logistics-service": ("warehouse-service", "delivery-tracking-service"),
    "warehouse-service": ("inventory-service",),
    "review-service": ("order-service", "user-service"),
    "notification-service": ("user-service",),
    "notification-center": ("user-service",),
    "user-service": ("user-profile-service", "id-generator"),
    "model-serving": ("feature-service", "object-storage-service"),
    "report-service": ("data-query-service",),
    "search-indexer": ("data-sync-service", "message-bus"),
    "data-sync-service": ("message-bus",),
    "realtime-metrics": ("message-bus",),
    "etl-scheduler": ("job-scheduler", "object-storage-service"),
    "data-query-service": ("object-storage-service",),
    "feature-service": ("config-center",),
    "id-generator": ("config-center",),
    "user-profile-service": ("message-bus",),
    "message-bus": ("service-registry",),
    "job-scheduler": ("service-registry", "config-center"),
    "config-center": ("secret-vault",),
    "log-collector": ("object-storage-service",),
    "trace-collector": ("object-storage-service",),
    "ci-runner-pool": ("secret-vault", "object-storage-service"),
    "db-proxy": ("config-center", "secret-vault"),
}  # fmt: skip

PLANTED_CYCLE = ("order-service", "payment-service", "settlement-service")
# (source, target, rule) as GET /checks/graph reports them with the default layering rules.
PLANTED_LAYER_VIOLATIONS = (
    ("mall-web", "product-catalog-service", "skips-layer"),
    ("bi-portal", "data-query-service", "skips-layer"),
    ("coupon-service", "open-platform-gateway", "upward"),
    ("realtime-metrics", "order-service", "upward"),
)
PLANTED_DUPLICATES = (
    ("coupon-service", "member-coupon-service"),
    ("notification-center", "notification-service"),
    ("customer-profile-service", "user-profile-service"),
)
GRPC_TARGETS = frozenset(
    {"inventory-service", "pricing-service", "risk-engine", "feature-service", "model-serving",
     "id-generator", "user-profile-service", "anti-fraud-service", "config-center",
     "service-registry"}
)  # fmt: skip


def service_edges() -> list[tuple[str, str, str]]:
    """(source, target, protocol) for every service→service dependency, planted ones included."""
    pairs = [(s, t) for s, targets in _ADJACENCY.items() for t in targets]
    pairs += [(s, t) for s, t, _ in PLANTED_LAYER_VIOLATIONS]
    return [(s, t, "grpc" if t in GRPC_TARGETS else "http") for s, t in pairs]


# (service, data store, protocol): primaries for writes, replicas for reads.
STORE_EDGES: tuple[tuple[str, str, str], ...] = (
    ("order-service", "order-db", "jdbc"),
    ("order-service", "order-events-mq", "amqp"),
    ("refund-service", "order-db-replica-1", "jdbc"),
    ("report-service", "order-db-replica-2", "jdbc"),
    ("data-sync-service", "order-db-replica-2", "jdbc"),
    ("payment-service", "payment-db", "jdbc"),
    ("payment-service", "order-events-mq", "amqp"),
    ("settlement-service", "payment-db", "jdbc"),
    ("wallet-service", "payment-db", "jdbc"),
    ("invoice-service", "payment-db-replica", "jdbc"),
    ("data-query-service", "payment-db-replica", "jdbc"),
    ("user-service", "user-db", "jdbc"),
    ("user-service", "session-redis", "redis"),
    ("auth-service", "session-redis", "redis"),
    ("auth-service", "user-db-replica", "jdbc"),
    ("customer-profile-service", "user-db-replica", "jdbc"),
    ("member-coupon-service", "user-db", "jdbc"),
    ("coupon-service", "order-db", "jdbc"),
    ("product-catalog-service", "product-db", "jdbc"),
    ("inventory-service", "product-db", "jdbc"),
    ("search-service", "product-search-es", "http"),
    ("search-indexer", "product-search-es", "http"),
    ("cart-service", "cart-redis", "redis"),
    ("risk-engine", "risk-feature-redis", "redis"),
    ("feature-service", "risk-feature-redis", "redis"),
    ("review-service", "review-mongo", "mongodb"),
    ("logistics-service", "logistics-db", "jdbc"),
    ("delivery-tracking-service", "logistics-db", "jdbc"),
    ("warehouse-service", "logistics-db", "jdbc"),
    ("realtime-metrics", "data-warehouse", "jdbc"),
    ("report-service", "data-warehouse", "jdbc"),
    ("data-query-service", "data-warehouse", "jdbc"),
    ("user-profile-service", "data-warehouse", "jdbc"),
    ("notification-service", "order-events-mq", "amqp"),
    ("notification-center", "order-events-mq", "amqp"),
)
