"""The demo company's APIs: OpenAPI 3 documents (YAML) that mostly follow the house API rules,
four with planted naming and design defects, plus one AsyncAPI and one gRPC definition."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

SERVER = "https://api.acme.example/v1"


@dataclass(frozen=True)
class ApiPlan:
    name: str
    provider: str
    description: str
    # (method, path, operationId or None, summary)
    operations: tuple[tuple[str, str, str | None, str], ...] = ()
    fields: tuple[str, ...] = ()
    type: str = "openapi"
    # Defects planted on purpose: "no-security", "no-errors", "no-version".
    defects: frozenset[str] = field(default_factory=frozenset)
    definition: str = ""


def _ops(
    *operations: tuple[str, str, str | None, str],
) -> tuple[tuple[str, str, str | None, str], ...]:
    return operations


GOOD_APIS: tuple[ApiPlan, ...] = (
    ApiPlan("order-api", "order-service", "Orders: place, read, cancel. 订单接口。", _ops(
        ("get", "/orders", "listOrders", "List the caller's orders"),
        ("post", "/orders", "createOrder", "Place an order"),
        ("get", "/orders/{orderId}", "getOrder", "Read one order"),
        ("post", "/orders/{orderId}/cancellations", "cancelOrder", "Cancel an order"),
        ("get", "/orders/{orderId}/items", "listOrderItems", "Items of an order"),
    ), ("order_id", "user_id", "status", "total_amount", "currency", "items", "placed_at")),
    ApiPlan("cart-api", "cart-service", "Shopping carts and their items.", _ops(
        ("get", "/carts/{cartId}", "getCart", "Read a cart"),
        ("post", "/carts/{cartId}/items", "addCartItem", "Add an item"),
        ("delete", "/carts/{cartId}/items/{itemId}", "removeCartItem", "Remove an item"),
    ), ("cart_id", "user_id", "items", "sku_id", "quantity")),
    ApiPlan("checkout-api", "checkout-service", "Checkout sessions. 结算接口。", _ops(
        ("post", "/checkouts", "createCheckout", "Start a checkout"),
        ("get", "/checkouts/{checkoutId}", "getCheckout", "Read a checkout"),
        ("post", "/checkouts/{checkoutId}/confirmations", "confirmCheckout", "Confirm and pay"),
    ), ("checkout_id", "cart_id", "address_id", "payable_amount")),
    ApiPlan("product-api", "product-catalog-service", "Products, SKUs and categories.", _ops(
        ("get", "/products", "listProducts", "Search products by category"),
        ("get", "/products/{productId}", "getProduct", "Read a product"),
        ("get", "/products/{productId}/skus", "listProductSkus", "SKUs of a product"),
        ("get", "/categories", "listCategories", "The category tree"),
    ), ("product_id", "title", "category_id", "brand", "skus", "price")),
    ApiPlan("inventory-api", "inventory-service", "Stock levels and reservations. 库存接口。", _ops(
        ("get", "/stock-levels/{skuId}", "getStockLevel", "Stock of a SKU"),
        ("post", "/reservations", "createReservation", "Reserve stock"),
        ("delete", "/reservations/{reservationId}", "releaseReservation", "Release stock"),
    ), ("sku_id", "warehouse_id", "available", "reserved")),
    ApiPlan("pricing-api", "pricing-service", "Price quotes for carts and products.", _ops(
        ("post", "/price-quotes", "createPriceQuote", "Quote a basket"),
        ("get", "/price-quotes/{quoteId}", "getPriceQuote", "Read a quote"),
    ), ("quote_id", "items", "list_price", "final_price", "discounts")),
    ApiPlan("payment-api", "payment-service", "Payments and captures. 支付接口。", _ops(
        ("post", "/payments", "createPayment", "Create a payment"),
        ("get", "/payments/{paymentId}", "getPayment", "Read a payment"),
        ("post", "/payments/{paymentId}/captures", "capturePayment", "Capture a payment"),
    ), ("payment_id", "order_id", "amount", "currency", "channel", "status")),
    ApiPlan("refund-api", "refund-service", "Refunds of captured payments.", _ops(
        ("post", "/refunds", "createRefund", "Request a refund"),
        ("get", "/refunds/{refundId}", "getRefund", "Read a refund"),
    ), ("refund_id", "payment_id", "amount", "reason", "status")),
    ApiPlan("wallet-api", "wallet-service", "Wallet balances and transactions. 钱包接口。", _ops(
        ("get", "/wallets/{walletId}", "getWallet", "Read a wallet"),
        ("get", "/wallets/{walletId}/transactions", "listWalletTransactions", "Ledger"),
    ), ("wallet_id", "user_id", "balance", "frozen_amount")),
    ApiPlan("user-api", "user-service", "Customer accounts and addresses. 用户接口。", _ops(
        ("post", "/users", "registerUser", "Register"),
        ("get", "/users/{userId}", "getUser", "Read an account"),
        ("patch", "/users/{userId}", "updateUser", "Change an account"),
        ("get", "/users/{userId}/addresses", "listUserAddresses", "Delivery addresses"),
    ), ("user_id", "nickname", "mobile", "email", "addresses", "registered_at")),
    ApiPlan("auth-api", "auth-service", "OAuth 2.0 tokens and sessions.", _ops(
        ("post", "/tokens", "issueToken", "Issue a token"),
        ("delete", "/sessions/{sessionId}", "endSession", "Sign out"),
    ), ("access_token", "refresh_token", "expires_in", "scope")),
    ApiPlan("member-points-api", "member-points-service", "会员积分接口。", _ops(
        ("get", "/members/{memberId}/point-transactions", "listPointTransactions", "Ledger"),
        ("post", "/members/{memberId}/point-transactions", "recordPointTransaction", "Earn"),
    ), ("member_id", "points", "reason", "expires_at")),
    ApiPlan("search-api", "search-service", "Product search. 商品搜索接口。", _ops(
        ("get", "/search-results", "searchProducts", "Search products"),
        ("get", "/suggestions", "listSuggestions", "Query suggestions"),
    ), ("query", "product_id", "score", "highlights")),
    ApiPlan("logistics-api", "logistics-service", "Shipments and tracking. 物流接口。", _ops(
        ("post", "/shipments", "createShipment", "Create a shipment"),
        ("get", "/shipments/{shipmentId}", "getShipment", "Read a shipment"),
        ("get", "/shipments/{shipmentId}/tracking-events", "listTrackingEvents", "Tracking"),
    ), ("shipment_id", "order_id", "carrier", "waybill_number", "status")),
    ApiPlan("review-api", "review-service", "Product reviews and ratings.", _ops(
        ("get", "/products/{productId}/reviews", "listProductReviews", "Reviews of a product"),
        ("post", "/reviews", "createReview", "Write a review"),
    ), ("review_id", "product_id", "rating", "content", "photos")),
)  # fmt: skip

BAD_APIS: tuple[ApiPlan, ...] = (
    # Verbs and camelCase in paths, singular collection: the RPC-over-HTTP habit.
    ApiPlan("coupon-api", "coupon-service", "Coupon issuing and redemption. 优惠券接口。", _ops(
        ("get", "/coupons", "listCoupons", "List coupons"),
        ("get", "/coupon/{couponId}", "getCoupon", "Read a coupon"),
        ("post", "/createCoupon", "createCoupon", "Issue a coupon"),
        ("post", "/coupon/{couponId}/useCoupon", "useCoupon", "Redeem a coupon"),
    ), ("coupon_id", "user_id", "discount_amount", "threshold", "expires_at", "status")),
    # No operationIds, no error responses.
    ApiPlan("member-coupon-api", "member-coupon-service", "Member coupons. 会员券接口。", _ops(
        ("get", "/coupons", None, "List coupons"),
        ("get", "/coupons/{couponId}", None, "Read a coupon"),
        ("post", "/coupons", None, "Issue a coupon"),
        ("post", "/coupons/{couponId}/redemptions", None, "Redeem a coupon"),
    ), ("coupon_id", "user_id", "discount_amount", "threshold", "expires_at", "status"),
        defects=frozenset({"no-errors"})),
    # camelCase segments and no security requirement at all.
    ApiPlan("push-message-api", "notification-center", "App push messages. 推送接口。", _ops(
        ("post", "/pushMessages", "sendPushMessage", "Send a push"),
        ("get", "/pushMessages/{messageId}", "getPushMessage", "Delivery status"),
    ), ("message_id", "user_id", "template", "channel", "status"),
        defects=frozenset({"no-security"})),
    # A legacy interface: no version, a verb, camelCase, no operationIds.
    ApiPlan("settlement-query-api", "settlement-service", "旧版结算查询接口(待下线)。", _ops(
        ("get", "/settlement/queryBills", None, "Query bills"),
        ("get", "/settlement/bill/{billNo}", None, "Read a bill"),
    ), ("bill_no", "merchant_id", "amount", "settle_date"),
        defects=frozenset({"no-version"})),
)  # fmt: skip

ORDER_EVENTS = """asyncapi: 3.0.0
info:
  title: Order events
  version: 1.0.0
  description: 订单与支付事件,供通知、数据同步等下游订阅。
channels:
  orderPlaced:
    address: order.placed
    messages:
      orderPlaced:
        payload:
          type: object
          properties:
            order_id: {type: string}
            user_id: {type: string}
            total_amount: {type: number}
  paymentSucceeded:
    address: payment.succeeded
    messages:
      paymentSucceeded:
        payload:
          type: object
          properties:
            payment_id: {type: string}
            order_id: {type: string}
operations:
  publishOrderPlaced:
    action: send
    channel: {$ref: '#/channels/orderPlaced'}
"""

RECOMMENDATION_PROTO = """syntax = "proto3";

package acme.recommendation.v1;

// Personalised recommendations for a scene (home feed, product page, cart).
service RecommendationService {
  rpc Recommend(RecommendRequest) returns (RecommendResponse);
}

message RecommendRequest {
  string user_id = 1;
  string scene = 2;
  int32 limit = 3;
}

message RecommendResponse {
  repeated RecommendedItem items = 1;
}

message RecommendedItem {
  string product_id = 1;
  double score = 2;
  string reason = 3;
}
"""

OTHER_APIS: tuple[ApiPlan, ...] = (
    ApiPlan("order-events", "order-service", "Order and payment events (AsyncAPI).",
            type="asyncapi", definition=ORDER_EVENTS),
    ApiPlan("recommendation-grpc", "recommendation-service", "Recommendations over gRPC.",
            type="grpc", definition=RECOMMENDATION_PROTO),
)  # fmt: skip

ALL_APIS = GOOD_APIS + BAD_APIS + OTHER_APIS


def openapi_document(api: ApiPlan) -> dict[str, Any]:
    """An OpenAPI 3.0 document for the plan: servers, schemas, operations and errors."""
    resource = "".join(word.title() for word in api.name.removesuffix("-api").split("-"))
    versioned = "no-version" not in api.defects
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": f"{resource} API", "version": "1.4.0", "description": api.description},
        "servers": [{"url": SERVER if versioned else "https://legacy.acme.example"}],
    }
    if "no-security" not in api.defects:
        document["security"] = [{"bearerAuth": []}]
    paths: dict[str, Any] = {}
    for method, path, operation_id, summary in api.operations:
        operation: dict[str, Any] = {"summary": summary, "tags": [resource]}
        if operation_id:
            operation["operationId"] = operation_id
        parameters = [
            {"name": part[1:-1], "in": "path", "required": True, "schema": {"type": "string"}}
            for part in path.split("/")
            if part.startswith("{")
        ]
        if parameters:
            operation["parameters"] = parameters
        if method in ("post", "patch", "put"):
            operation["requestBody"] = {"required": True, "content": _json_of(resource)}
        ok = "201" if method == "post" else "204" if method == "delete" else "200"
        responses: dict[str, Any] = {ok: {"description": "Success"}}
        if ok != "204":
            responses[ok]["content"] = _json_of(resource)
        if "no-errors" not in api.defects:
            responses["400"] = {"$ref": "#/components/responses/Problem"}
            if parameters:
                responses["404"] = {"$ref": "#/components/responses/Problem"}
            responses["default"] = {"$ref": "#/components/responses/Problem"}
        operation["responses"] = responses
        paths.setdefault(path, {})[method] = operation
    document["paths"] = paths
    document["components"] = {
        "schemas": {
            resource: {
                "type": "object",
                "properties": {name: {"type": "string"} for name in api.fields},
            },
            "Problem": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                },
            },
        },
        "responses": {
            "Problem": {
                "description": "An error (RFC 9457)",
                "content": {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            }
        },
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
    }
    return document


def definition(api: ApiPlan) -> str:
    """The stored definition text: OpenAPI as YAML, the others as written."""
    if api.type != "openapi":
        return api.definition
    text: str = yaml.safe_dump(
        openapi_document(api), sort_keys=False, allow_unicode=True, width=100
    )
    return text


def _json_of(resource: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{resource}"}}}
