"""Every standard in force, evaluated against services: the one source of rule results that
scorecards, reviews and the results pages read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from tmse.catalog.apis.definitions import DefinitionError, parse_document
from tmse.catalog.apis.queries import provided_definitions
from tmse.catalog.graph.catalog_graph import collector_paused
from tmse.catalog.graph.layers import Verdict, edge_verdict
from tmse.catalog.graph.queries import layered_edges
from tmse.catalog.layer_rules.service import current_layer_rules
from tmse.catalog.queries import service_records
from tmse.core.links.models import TraceLink
from tmse.core.messages import Message, message, render
from tmse.standards.facts.models import ServiceFact
from tmse.standards.registry.check_types import (
    ApiDefinition,
    Evaluator,
    Fact,
    LayerBreach,
    Outcome,
    Subject,
)
from tmse.standards.registry.checks import RULE_KINDS
from tmse.standards.registry.layer_findings import breach_finding
from tmse.standards.registry.models import Standard, StandardVersion
from tmse.standards.registry.shipped_standards import shipped

CHUNK = 500  # ids per IN (...) list: well under every database's parameter limit
OPENAPI = "openapi"  # the API type whose definitions the rules read


class RuleResult(NamedTuple):
    """One rule's verdict on one service (a named tuple: thousands are made per evaluation)."""

    standard: str  # standard key, e.g. "api-design"
    standard_version: int
    rule: str  # rule key within the standard, e.g. "operation-id"
    title: str
    level: str  # scorecard level key the rule counts for: "bronze" | "silver" | "gold" | custom
    severity: str  # "error" | "warning" | "info"
    passed: bool
    finding: Message  # why it failed (or "ok")
    hint: Message
    location: str | None  # e.g. "api:orders-api paths./v1/getOrder" or "fact:coverage"

    @property
    def message(self) -> str:
        """The finding in English, as the JSON API returns it."""
        return render(self.finding, "en")

    @property
    def fix_hint(self) -> str:
        """The fix hint in English, as the JSON API returns it."""
        return render(self.hint, "en")


@dataclass(frozen=True)
class RuleInForce:
    """One rule of a current standard version."""

    standard: str
    standard_version: int
    key: str
    check: str
    params: dict[str, Any]
    severity: str
    level: str
    title: str
    fix_hint: str


def rules_in_force(session: Session) -> list[RuleInForce]:
    """The rules of every current (published, not retired) standard version, by standard key."""
    rows = session.execute(
        select(Standard.key, StandardVersion.number, StandardVersion.rules)
        .join(
            StandardVersion,
            and_(
                StandardVersion.standard_id == Standard.id,
                StandardVersion.number == Standard.current_version,
            ),
        )
        .where(Standard.retired.is_(False))
        .order_by(Standard.key)
    )
    return [
        RuleInForce(
            standard=key,
            standard_version=number,
            key=str(rule.get("key", "")),
            check=str(rule.get("check", "")),
            params=dict(rule.get("params") or {}),
            severity=str(rule.get("severity", "warning")),
            level=str(rule.get("level", "bronze")),
            title=str(rule.get("title") or rule.get("key", "")),
            fix_hint=str(rule.get("fix_hint", "")),
        )
        for key, number, rules in rows
        for rule in rules or []
    ]


def evaluate_services(
    session: Session, service_ids: Iterable[int] | None = None
) -> dict[int, list[RuleResult]]:
    """Every current (published, not retired) standard version's rules against each service
    (all when None), batched: a few queries for the whole set, not per service."""
    rules = rules_in_force(session)
    ids = None if service_ids is None else sorted(set(service_ids))
    with collector_paused():
        subjects = load_subjects(session, rules, ids)
        prepared = _prepare(rules)
        return {
            service_id: _evaluate(subject, prepared) for service_id, subject in subjects.items()
        }


def evaluate_subject(subject: Subject, rules: Sequence[RuleInForce]) -> list[RuleResult]:
    """Pure: the results of the given rules on one service, in rule order."""
    return _evaluate(subject, _prepare(rules))


# A rule with its params validated once for all services (or the outcome every service gets),
# and the rule's own fix hint.
_Prepared = tuple[RuleInForce, Evaluator | None, Any, Message]


def _prepare(rules: Sequence[RuleInForce]) -> list[_Prepared]:
    prepared: list[_Prepared] = []
    for rule in rules:
        kind = RULE_KINDS.get(rule.check)
        if kind is None:
            unknown = message("unknown check {check}", check=repr(rule.check))
            prepared.append((rule, None, Outcome(False, unknown, None), shipped(rule.fix_hint)))
            continue
        try:
            params = kind.params.model_validate(rule.params)
            prepared.append((rule, kind.evaluate, params, shipped(rule.fix_hint)))
        except ValidationError as error:
            invalid = message("invalid params: {problem}", problem=error.errors()[0]["msg"])
            prepared.append((rule, None, Outcome(False, invalid, None), shipped(rule.fix_hint)))
    return prepared


def _evaluate(subject: Subject, prepared: list[_Prepared]) -> list[RuleResult]:
    results: list[RuleResult] = []
    for rule, evaluate, params, rule_hint in prepared:
        outcomes = evaluate(subject, params) if evaluate is not None else [params]
        for outcome in outcomes:
            results.append(
                RuleResult(
                    standard=rule.standard,
                    standard_version=rule.standard_version,
                    rule=rule.key,
                    title=rule.title,
                    level=rule.level,
                    severity=rule.severity,
                    passed=outcome.passed,
                    finding=outcome.finding,
                    hint=outcome.hint if outcome.hint is not None else rule_hint,
                    location=outcome.location,
                )
            )
    return results


def _needs(rules: Sequence[RuleInForce]) -> tuple[set[str], set[str]]:
    """The data the rules read: ("apis", "adrs", "layering") and the fact kinds."""
    needs: set[str] = set()
    fact_kinds: set[str] = set()
    for rule in rules:
        kind = RULE_KINDS.get(rule.check)
        if kind is None:
            continue
        for need in kind.needs:
            if need.startswith("fact:"):
                fact_kinds.add(need.removeprefix("fact:"))
            elif need == "facts":
                fact = rule.params.get("fact")
                if isinstance(fact, str):
                    fact_kinds.add(fact)
            else:
                needs.add(need)
    return needs, fact_kinds


def _chunks(ids: list[int] | None) -> Iterator[list[int] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _where_in(column: Any, chunk: list[int] | None) -> Any:
    return column.in_(chunk) if chunk is not None else True


def load_subjects(
    session: Session, rules: Sequence[RuleInForce], ids: list[int] | None
) -> dict[int, Subject]:
    """The plain data the rules read for each service, in a handful of queries."""
    needs, fact_kinds = _needs(rules)
    base: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        for record in service_records(session, chunk):
            fields = record._asdict()
            fields["description"] = fields["description"] or ""
            base[fields.pop("id")] = fields
    if not base or not rules:
        return {service_id: Subject(**fields) for service_id, fields in base.items()}
    facts: dict[int, dict[str, Fact]] = defaultdict(dict)
    if fact_kinds:
        for chunk in _chunks(ids):
            fact_rows = session.execute(
                select(
                    ServiceFact.service_id, ServiceFact.kind, ServiceFact.value, ServiceFact.source
                )
                .where(_where_in(ServiceFact.service_id, chunk))
                .where(ServiceFact.kind.in_(sorted(fact_kinds)))
            )
            for service_id, kind, value, source in fact_rows:
                facts[service_id][kind] = Fact(kind, value or {}, source or "")
    apis: dict[int, list[ApiDefinition]] = defaultdict(list)
    if "apis" in needs:
        for chunk in _chunks(ids):
            for provider, name, api_type, definition in provided_definitions(
                session, chunk, OPENAPI
            ):
                apis[provider].append(_api_definition(name, api_type, definition))
    adrs = _linked_adrs(session, ids) if "adrs" in needs else {}
    breaches = _layer_breaches(session, ids) if "layering" in needs else {}
    return {
        service_id: Subject(
            **fields,
            facts=facts.get(service_id, {}),
            apis=tuple(apis.get(service_id, ())),
            linked_adrs=adrs.get(service_id, 0),
            layer_breaches=tuple(breaches.get(service_id, ())),
        )
        for service_id, fields in base.items()
    }


@lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[Any, str | None]:
    # Definitions change rarely and YAML parsing dominates an evaluation: parse each text once.
    if not text.strip():
        return None, "no definition stored"
    try:
        return parse_document(text), None
    except DefinitionError as error:
        return None, f"definition is {error}"


def _api_definition(name: str, api_type: str, text: str) -> ApiDefinition:
    document, error = _parsed(text)
    return ApiDefinition(name, api_type, document, error, text)


def _linked_adrs(session: Session, ids: list[int] | None) -> dict[int, int]:
    """Count of ADRs linked to each service, whichever end of the link the service is on."""
    counts: dict[int, int] = defaultdict(int)
    for chunk in _chunks(ids):
        # One query for both directions: a link is counted on whichever end is the service.
        outgoing = (
            (TraceLink.source_type == "service")
            & (TraceLink.target_type == "adr")
            & _where_in(TraceLink.source_id, chunk)
        )
        incoming = (
            (TraceLink.target_type == "service")
            & (TraceLink.source_type == "adr")
            & _where_in(TraceLink.target_id, chunk)
        )
        rows = session.execute(
            select(TraceLink.source_type, TraceLink.source_id, TraceLink.target_id).where(
                or_(outgoing, incoming)
            )
        )
        for source_type, source_id, target_id in rows:
            counts[source_id if source_type == "service" else target_id] += 1
    return counts


def _layer_breaches(session: Session, ids: list[int] | None) -> dict[int, list[LayerBreach]]:
    """Dependencies from the services that break the layering rules, judged per layer pair."""
    rules = current_layer_rules(session)
    verdicts: dict[tuple[str, str], Verdict | None] = {}
    found: dict[int, list[LayerBreach]] = defaultdict(list)
    for chunk in _chunks(ids):
        for source_id, source_name, source_layer, target_name, target_layer in layered_edges(
            session, chunk
        ):
            if not source_layer or not target_layer:
                continue
            pair = (source_layer, target_layer)
            if pair not in verdicts:
                verdicts[pair] = edge_verdict(rules, source_layer, target_layer)
            verdict = verdicts[pair]
            if verdict is not None:
                finding = breach_finding(source_name, target_name, verdict)
                found[source_id].append(LayerBreach(target_name, verdict.rule, finding))
    return found


__all__ = ["RuleInForce", "RuleResult", "evaluate_services", "evaluate_subject", "rules_in_force"]
