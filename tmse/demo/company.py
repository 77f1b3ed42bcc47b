"""The demo company: its departments and the teams each may hold (small uses the first few)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

COMPANY_NAME = "Acme Technology / 阿克米科技"
COMPANY_DESCRIPTION = (
    "A consumer-commerce technology company. 一家消费电商科技公司:支付、交易、物流与数据智能。"
)
EMAIL_DOMAIN = "acme.example"


class Work(StrEnum):
    """What a department's teams mostly do; it decides the roles of their members."""

    ARCHITECTURE = "architecture"
    PLATFORM = "platform"
    PRODUCT = "product"
    DATA = "data"
    SRE = "sre"
    SECURITY = "security"
    QUALITY = "quality"


@dataclass(frozen=True)
class Department:
    name: str
    description: str
    work: Work
    small_teams: int
    teams: tuple[str, ...]


DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "Architecture Office / 架构办公室",
        "Technical committee secretariat: standards, reviews, the tech radar. 技术委员会秘书处。",
        Work.ARCHITECTURE,
        1,
        ("Enterprise Architecture / 企业架构组", "Standards & Governance / 标准与治理组"),
    ),
    Department(
        "Platform Engineering / 平台工程部",
        "Internal developer platform, middleware and shared services. 研发平台与中间件。",
        Work.PLATFORM,
        3,
        (
            "Developer Platform / 开发者平台",
            "Build & Release / 构建与发布",
            "API Gateway / API 网关",
            "Service Mesh / 服务网格",
            "Messaging / 消息中间件",
            "Configuration Center / 配置中心",
            "Observability Tooling / 可观测性工具",
            "Internal Tools / 内部工具",
            "Workflow Engine / 工作流引擎",
            "Identity & Access / 身份与访问",
        ),
    ),
    Department(
        "Product R&D / 产品研发部",
        "The customer-facing products: shop, payments, orders, apps. 面向客户的产品研发。",
        Work.PRODUCT,
        4,
        (
            "Payments / 支付",
            "Checkout & Orders / 交易与订单",
            "Mobile Apps / 移动端",
            "Customer Accounts / 用户账户",
            "Search & Recommendation / 搜索与推荐",
            "Merchant Portal / 商家平台",
            "Logistics / 物流",
            "Marketing & Promotions / 营销与促销",
            "Customer Service / 客户服务",
            "Membership & Loyalty / 会员与积分",
            "Pricing / 定价",
            "Inventory / 库存",
            "Web Storefront / Web 商城",
            "Notifications / 消息通知",
            "Reviews & Community / 评价与社区",
            "Finance Systems / 财务系统",
        ),
    ),
    Department(
        "Data & AI / 数据与智能部",
        "Data platform, analytics and machine learning. 数据平台、分析与机器学习。",
        Work.DATA,
        3,
        (
            "Data Platform / 数据平台",
            "Machine Learning / 机器学习",
            "Analytics & BI / 分析与商业智能",
            "Data Governance / 数据治理",
            "Real-time Computing / 实时计算",
            "Feature Store / 特征平台",
            "Risk Modelling / 风控模型",
            "LLM Applications / 大模型应用",
            "Experimentation / 实验平台",
        ),
    ),
    Department(
        "Infrastructure & SRE / 基础设施与SRE部",
        "Cloud, networks, databases and reliability. 云、网络、数据库与稳定性保障。",
        Work.SRE,
        3,
        (
            "Site Reliability / 站点可靠性",
            "Cloud Infrastructure / 云基础设施",
            "Database Operations / 数据库运维",
            "Network / 网络",
            "Storage / 存储",
            "Container Platform / 容器平台",
            "Monitoring & Alerting / 监控告警",
            "Capacity & Cost / 容量与成本",
            "Disaster Recovery / 容灾",
        ),
    ),
    Department(
        "Security / 安全部",
        "Application, cloud and data security; compliance. 应用、云与数据安全,合规。",
        Work.SECURITY,
        1,
        (
            "Application Security / 应用安全",
            "Security Operations / 安全运营",
            "Data Privacy / 数据隐私",
            "Cloud Security / 云安全",
            "Red Team / 红队",
            "Compliance / 合规",
        ),
    ),
    Department(
        "Quality Engineering / 质量工程部",
        "Test automation, performance and release quality. 自动化测试、性能与发布质量。",
        Work.QUALITY,
        1,
        (
            "Test Automation / 自动化测试",
            "Performance Testing / 性能测试",
            "Quality Tooling / 质量工具",
            "Mobile QA / 移动端测试",
            "Release Quality / 发布质量",
        ),
    ),
)


def team_description(team: str, department: Department) -> str:
    english, _, chinese = team.partition(" / ")
    return f"{english} team of {department.name.partition(' / ')[0]}. {chinese}团队。"
