"""The demo company's catalog as plain data: domains, systems, ~60 services in five layers and
data stores with replicas (their dependencies are in `dependencies.py`)."""

from __future__ import annotations

from dataclasses import dataclass

# The organisation step's teams present in every size (the first teams of each department).
EA = "Enterprise Architecture / 企业架构组"
DEVP = "Developer Platform / 开发者平台"
BUILD = "Build & Release / 构建与发布"
GW = "API Gateway / API 网关"
PAY = "Payments / 支付"
ORD = "Checkout & Orders / 交易与订单"
MOB = "Mobile Apps / 移动端"
ACC = "Customer Accounts / 用户账户"
DATA = "Data Platform / 数据平台"
ML = "Machine Learning / 机器学习"
BI = "Analytics & BI / 分析与商业智能"
SRE = "Site Reliability / 站点可靠性"
CLOUD = "Cloud Infrastructure / 云基础设施"
DBA = "Database Operations / 数据库运维"
SEC = "Application Security / 应用安全"


@dataclass(frozen=True)
class DomainPlan:
    name: str
    title: str
    owner: str
    description: str


@dataclass(frozen=True)
class SystemPlan:
    name: str
    title: str
    domain: str
    owner: str
    description: str


@dataclass(frozen=True)
class ServicePlan:
    name: str
    layer: str
    owner: str
    system: str
    language: str
    tier: int
    description: str
    lifecycle: str = "production"


@dataclass(frozen=True)
class StorePlan:
    name: str
    engine: str
    kind: str
    owner: str
    system: str
    description: str
    primary: str | None = None


DOMAINS = (
    DomainPlan("commerce", "Commerce / 电商交易", ORD,
               "Everything between a shopper and a delivered parcel. "
               "从浏览商品到包裹送达的全链路。"),
    DomainPlan("payments", "Payments & Risk / 支付与风控", PAY,
               "Money movement, settlement and fraud prevention. 资金流转、清结算与反欺诈。"),
    DomainPlan("customer", "Customer & Growth / 用户与增长", ACC,
               "Accounts, membership, search and personalisation. 账户、会员、搜索与个性化推荐。"),
    DomainPlan("platform", "Technology Platform / 技术平台", DEVP,
               "Shared data and infrastructure services. 共享的数据与基础设施服务。"),
)  # fmt: skip

SYSTEMS = (
    SystemPlan("storefront", "Storefront / 商城前台", "commerce", MOB,
               "Web, H5, app and mini-program storefronts and their BFF. 各端商城及其 BFF。"),
    SystemPlan("trading", "Trading / 交易中台", "commerce", ORD,
               "Products, carts, checkout, orders, pricing and promotions. "
               "商品、购物车、下单与营销。"),
    SystemPlan("logistics", "Logistics / 物流履约", "commerce", ORD,
               "Warehousing, shipments and delivery tracking. 仓储、运单与配送跟踪。"),
    SystemPlan("payment-core", "Payment Core / 支付核心", "payments", PAY,
               "Payments, channels, wallet, refunds, settlement, invoices. "
               "支付、钱包、退款、结算与发票。"),
    SystemPlan("risk-control", "Risk Control / 风控", "payments", ML,
               "Real-time risk decisions and fraud detection. 实时风险决策与欺诈识别。"),
    SystemPlan("membership", "Membership / 会员中心", "customer", ACC,
               "Accounts, sign-in, profiles, points and levels. 账户、登录、画像、积分与等级。"),
    SystemPlan("search-recommendation", "Search & Recommendation / 搜索推荐", "customer", ML,
               "Product search, ranking and recommendations. 商品搜索、排序与推荐。"),
    SystemPlan("data-platform", "Data Platform / 数据平台", "platform", DATA,
               "Ingestion, warehouse, metrics and reports. 数据采集、数仓、指标与报表。"),
    SystemPlan("infrastructure", "Infrastructure / 基础设施", "platform", CLOUD,
               "Gateway, configuration, registry, messaging, storage. "
               "网关、配置、注册、消息与存储。"),
)  # fmt: skip


def _s(
    name: str, layer: str, owner: str, system: str, language: str, tier: int, description: str
) -> ServicePlan:
    return ServicePlan(name, layer, owner, system, language, tier, description)


FE, GA, BU, DA, IN = "frontend", "gateway", "business", "data", "infrastructure"

SERVICES: tuple[ServicePlan, ...] = (
    # Frontend
    _s("mall-web", FE, MOB, "storefront", "TypeScript", 1,
       "Desktop web storefront (Next.js): home, product pages, cart and checkout."),
    _s("mall-h5", FE, MOB, "storefront", "TypeScript", 1,
       "移动端 H5 商城,嵌入微信、支付宝内置浏览器,承载大促活动页。"),
    _s("mall-app-ios", FE, MOB, "storefront", "Swift", 1,
       "iOS shopping app: browsing, live-stream shopping, orders and after-sales."),
    _s("mall-app-android", FE, MOB, "storefront", "Kotlin", 1,
       "Android 购物 App,支持国内各大应用商店渠道包。"),
    _s("wechat-mini-program", FE, MOB, "storefront", "TypeScript", 2,
       "微信小程序商城:社交分享、拼团与小程序直播。"),
    _s("merchant-console", FE, ORD, "trading", "TypeScript", 2,
       "Merchant back office: listings, stock, orders and settlement statements."),
    _s("ops-admin-console", FE, ORD, "trading", "TypeScript", 3,
       "运营管理后台:类目、活动配置、内容审核与客服工单。"),
    _s("bi-portal", FE, BI, "data-platform", "TypeScript", 3,
       "Self-service dashboards for GMV, conversion and retention."),
    # Gateway
    _s("api-gateway", GA, GW, "infrastructure", "Go", 0,
       "Edge gateway on Envoy: routing, TLS termination, rate limiting and token checks."),
    _s("mobile-bff", GA, MOB, "storefront", "TypeScript", 1,
       "Backend-for-frontend of the apps and mini program: aggregates pages in one call."),
    _s("open-platform-gateway", GA, GW, "infrastructure", "Java", 2,
       "开放平台网关:ISV 与合作伙伴接入,AppKey 签名校验与流量配额。"),
    _s("merchant-bff", GA, ORD, "trading", "Java", 2,
       "Backend-for-frontend of the merchant console."),
    # Business
    _s("order-service", BU, ORD, "trading", "Java", 0,
       "订单中心:下单、拆单、订单状态机与售后。Order lifecycle from placement to after-sales."),
    _s("cart-service", BU, ORD, "trading", "Java", 1,
       "Shopping carts across devices, with saved-for-later items."),
    _s("checkout-service", BU, ORD, "trading", "Java", 0,
       "Checkout orchestration: quote, reserve stock, apply discounts, create order, pay."),
    _s("pricing-service", BU, ORD, "trading", "Java", 1,
       "价格中心:基础价、会员价、区域价与最终成交价计算。"),
    _s("inventory-service", BU, ORD, "trading", "Go", 0,
       "Stock levels per SKU and warehouse; reservations with timeouts during checkout."),
    _s("product-catalog-service", BU, ORD, "trading", "Java", 1,
       "商品中心:SPU/SKU、类目、属性与商品上下架。"),
    _s("promotion-service", BU, ORD, "trading", "Java", 2,
       "营销活动规则引擎:满减、秒杀、拼团与限时折扣。"),
    _s("coupon-service", BU, ORD, "trading", "Java", 2,
       "Issues discount coupons to shoppers, validates and redeems them at checkout; "
       "coupon templates, stock limits and expiry. 优惠券发放与核销。"),
    _s("member-coupon-service", BU, ACC, "membership", "Go", 2,
       "Issues discount coupons to members, validates and redeems them at checkout; "
       "coupon templates, stock limits and expiry. 会员优惠券发放与核销。"),
    _s("payment-service", BU, PAY, "payment-core", "Java", 0,
       "支付中心:收银台、支付单、支付状态与回调。Payment orders and their state."),
    _s("payment-channel-adapter", BU, PAY, "payment-core", "Java", 0,
       "Adapters to Alipay, WeChat Pay, UnionPay and Stripe with reconciliation files."),
    _s("settlement-service", BU, PAY, "payment-core", "Java", 1,
       "清结算:商家分账、T+1 结算与对账。Merchant settlement and reconciliation."),
    _s("refund-service", BU, PAY, "payment-core", "Java", 1,
       "Refunds and partial refunds back through the original payment channel."),
    _s("wallet-service", BU, PAY, "payment-core", "Go", 1,
       "余额钱包:充值、提现、冻结与流水。"),
    _s("invoice-service", BU, PAY, "payment-core", "Java", 2,
       "电子发票开具、红冲与税控对接。"),
    _s("risk-engine", BU, ML, "risk-control", "Java", 0,
       "实时风控决策引擎:规则 + 模型评分,毫秒级拦截高风险交易。"),
    _s("anti-fraud-service", BU, SEC, "risk-control", "Python", 1,
       "Fraud detection on accounts and payments: device fingerprints and graph features."),
    _s("user-service", BU, ACC, "membership", "Java", 0,
       "Customer accounts: registration, profiles, addresses. 用户中心,几乎所有服务都依赖它。"),
    _s("auth-service", BU, SEC, "membership", "Go", 0,
       "OAuth 2.0 / OpenID Connect token issuing, SMS and password sign-in."),
    _s("customer-profile-service", BU, ACC, "membership", "Java", 2,
       "Customer profile: demographic attributes, preference tags and lifecycle stage of each "
       "customer for targeting. 用户画像标签。"),
    _s("member-points-service", BU, ACC, "membership", "Java", 2,
       "会员积分:获取、消耗、过期与积分商城兑换。"),
    _s("membership-level-service", BU, ACC, "membership", "Java", 2,
       "Membership tiers (silver, gold, diamond) and their benefits."),
    _s("search-service", BU, ML, "search-recommendation", "Java", 1,
       "商品搜索:查询理解、召回与排序。Product search with query understanding."),
    _s("recommendation-service", BU, ML, "search-recommendation", "Python", 2,
       "Personalised recommendations for home feed, product pages and cart."),
    _s("logistics-service", BU, ORD, "logistics", "Go", 1,
       "运单中心:承运商选择、电子面单与运费计算。"),
    _s("delivery-tracking-service", BU, ORD, "logistics", "Go", 2,
       "Parcel tracking events from carriers, pushed to shoppers."),
    _s("warehouse-service", BU, ORD, "logistics", "Java", 1,
       "WMS 仓储管理:入库、拣货、出库与库内调拨。"),
    _s("review-service", BU, ACC, "storefront", "TypeScript", 3,
       "Product reviews, ratings and photos with moderation."),
    _s("notification-service", BU, DEVP, "infrastructure", "Go", 2,
       "Sends push, SMS and e-mail notifications to customers from templates, with "
       "delivery receipts and rate limits. 消息通知。"),
    _s("notification-center", BU, MOB, "storefront", "Java", 2,
       "Sends push, SMS and e-mail notifications to customers from templates, with "
       "delivery receipts and quiet hours. 消息通知中心。"),
    # Data
    _s("user-profile-service", DA, DATA, "data-platform", "Java", 2,
       "User profile: demographic attributes, preference tags and lifecycle stage of each "
       "user for targeting. 用户画像标签服务。"),
    _s("feature-service", DA, ML, "search-recommendation", "Python", 1,
       "Online feature store for ranking and risk models (Redis-backed)."),
    _s("model-serving", DA, ML, "search-recommendation", "Python", 1,
       "模型在线推理服务(Triton),承载排序、风控与 LLM 模型。"),
    _s("data-query-service", DA, DATA, "data-platform", "Java", 3,
       "统一查询服务:基于 Trino 的即席查询与数据 API。"),
    _s("search-indexer", DA, ML, "search-recommendation", "Java", 2,
       "Builds and updates the product search index from change events."),
    _s("data-sync-service", DA, DATA, "data-platform", "Java", 2,
       "CDC 数据同步:订阅 MySQL binlog(Canal),写入消息队列与数仓。"),
    _s("realtime-metrics", DA, BI, "data-platform", "Java", 2,
       "Flink jobs computing real-time GMV, orders per minute and conversion."),
    _s("etl-scheduler", DA, DATA, "data-platform", "Python", 3,
       "Airflow DAGs loading the warehouse every night. 离线数仓调度。"),
    _s("report-service", DA, BI, "data-platform", "Python", 3,
       "Scheduled business reports and exports for finance and operations."),
    _s("id-generator", DA, DBA, "infrastructure", "Go", 0,
       "分布式 ID 生成(Snowflake 变种),订单号、支付单号均来自这里。"),
    # Infrastructure
    _s("config-center", IN, DEVP, "infrastructure", "Java", 0,
       "配置中心(Nacos):动态配置、灰度推送与变更审计。"),
    _s("service-registry", IN, DEVP, "infrastructure", "Go", 0,
       "Service discovery and health checking for every workload."),
    _s("message-bus", IN, DEVP, "infrastructure", "Java", 1,
       "RocketMQ clusters: topics, consumer groups and dead-letter handling."),
    _s("job-scheduler", IN, DEVP, "infrastructure", "Java", 2,
       "分布式任务调度(XXL-JOB):定时任务与分片任务。"),
    _s("log-collector", IN, SRE, "infrastructure", "Go", 2,
       "Collects container logs (Vector) and ships them to the log store."),
    _s("trace-collector", IN, SRE, "infrastructure", "Go", 2,
       "OpenTelemetry collector for traces and metrics."),
    _s("object-storage-service", IN, CLOUD, "infrastructure", "Go", 1,
       "S3-compatible object storage (MinIO) for images, exports and model files."),
    _s("secret-vault", IN, SEC, "infrastructure", "Go", 0,
       "Secrets and certificates (HashiCorp Vault), with dynamic database credentials."),
    _s("db-proxy", IN, DBA, "infrastructure", "Go", 0,
       "数据库代理:读写分离、连接池与慢 SQL 熔断。"),
    _s("ci-runner-pool", IN, BUILD, "infrastructure", "Go", 3,
       "Autoscaled build runners for every pipeline."),
)  # fmt: skip

STORES: tuple[StorePlan, ...] = (
    StorePlan("order-db", "MySQL", "relational", ORD, "trading",
              "订单库(MySQL 8.0,按用户分 16 库)。Orders and order items."),
    StorePlan("order-db-replica-1", "MySQL", "relational", ORD, "trading",
              "Read replica for order queries.", primary="order-db"),
    StorePlan("order-db-replica-2", "MySQL", "relational", ORD, "trading",
              "Read replica for reports and CDC.", primary="order-db"),
    StorePlan("payment-db", "PostgreSQL", "relational", PAY, "payment-core",
              "Payments, wallet ledger and settlements (PostgreSQL 15)."),
    StorePlan("payment-db-replica", "PostgreSQL", "relational", PAY, "payment-core",
              "支付库只读副本,供对账与查询。", primary="payment-db"),
    StorePlan("user-db", "MySQL", "relational", ACC, "membership",
              "Accounts, addresses and member data."),
    StorePlan("user-db-replica", "MySQL", "relational", ACC, "membership",
              "用户库只读副本。", primary="user-db"),
    StorePlan("product-db", "PostgreSQL", "relational", ORD, "trading",
              "商品库:SPU、SKU、类目与库存快照。"),
    StorePlan("logistics-db", "PostgreSQL", "relational", ORD, "logistics",
              "Shipments, waybills and tracking events."),
    StorePlan("data-warehouse", "ClickHouse", "relational", DATA, "data-platform",
              "实时数仓(ClickHouse 集群)。"),
    StorePlan("cart-redis", "Redis", "nosql", ORD, "trading", "Carts, 30-day expiry."),
    StorePlan("session-redis", "Redis", "nosql", SEC, "membership",
              "Sign-in sessions and refresh tokens."),
    StorePlan("risk-feature-redis", "Redis", "nosql", ML, "risk-control",
              "风控与推荐在线特征缓存。"),
    StorePlan("product-search-es", "Elasticsearch", "nosql", ML, "search-recommendation",
              "Product search index (Elasticsearch 8, IK analyser)."),
    StorePlan("review-mongo", "MongoDB", "nosql", ACC, "storefront",
              "评价与晒单(MongoDB 副本集)。"),
    StorePlan("order-events-mq", "RabbitMQ", "other", ORD, "trading",
              "Order and payment events for notifications and downstream systems."),
)  # fmt: skip
