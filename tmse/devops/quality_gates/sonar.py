"""Storing a SonarQube quality gate outcome as the service's latest "quality-gate" fact; an
analysis of no known service is ignored, with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_id_named
from tmse.core.actor import Actor
from tmse.core.messages import Message, message
from tmse.devops.code.service import BatchCounts
from tmse.integrations.sonarqube import QualityGateFact
from tmse.standards.facts.models import ServiceFact
from tmse.standards.facts.schemas import FactReport
from tmse.standards.facts.service import report_fact

FACT_KIND = "quality-gate"
TOOL = "sonarqube"


@dataclass
class SonarRecorded:
    """What storing one analysis did; `ignored` says why nothing was stored."""

    counts: BatchCounts = field(default_factory=BatchCounts)
    ignored: Message | None = None


def record_sonar(session: Session, actor: Actor, fact: QualityGateFact) -> SonarRecorded:
    """Report the analysis's gate as its service's "quality-gate" fact; a redelivery of the
    same analysis leaves the fact as it is."""
    if fact.pull_request is not None:
        note = message("A pull request analysis does not change the service's quality gate")
        return SonarRecorded(ignored=note)
    if fact.quality_gate_status is None:
        return SonarRecorded(ignored=message("The analysis evaluated no quality gate"))
    service = resolve_service(session, fact)
    if service is None:
        note = message(
            "No service is named {service}: set {property} to the service's name",
            service=fact.tmse_service or fact.project_key,
            property="sonar.analysis.tmseService",
        )
        return SonarRecorded(ignored=note)
    name, service_id = service
    value = fact_value(fact)
    recorded = SonarRecorded()
    current = session.scalar(
        select(ServiceFact.value).where(
            ServiceFact.service_id == service_id, ServiceFact.kind == FACT_KIND
        )
    )
    if current == value:
        recorded.counts.add("unchanged")
        return recorded
    report_fact(session, actor, _report(name, value, fact))
    recorded.counts.add("created" if current is None else "updated")
    return recorded


def resolve_service(session: Session, fact: QualityGateFact) -> tuple[str, int] | None:
    """The service the analysis names with sonar.analysis.tmseService, else the service named
    like the SonarQube project key."""
    name = fact.tmse_service or fact.project_key
    service_id = service_id_named(session, name)
    return None if service_id is None else (name, service_id)


def fact_value(fact: QualityGateFact) -> dict[str, Any]:
    """The fact's value: the gate's status and conditions, and which analysis said so."""
    return {
        "tool": TOOL,
        "status": fact.quality_gate_status,
        "passed": fact.passed,
        "gate": fact.quality_gate,
        "project_key": fact.project_key,
        "analysis": "/".join(fact.natural_key[1:]),
        "branch": fact.branch,
        "revision": fact.revision,
        "analysed_at": fact.analysed_at.isoformat() if fact.analysed_at else None,
        "conditions": [
            {
                "metric": condition.metric,
                "operator": condition.operator,
                "value": condition.value,
                "error_threshold": condition.error_threshold,
                "status": condition.status,
            }
            for condition in fact.conditions
        ],
    }


def _report(name: str, value: dict[str, Any], fact: QualityGateFact) -> FactReport:
    """The fact to report, linked to the project's page when its URL is one a fact may keep."""
    url = fact.branch_url or fact.project_url
    if url:
        try:
            return FactReport(service=name, kind=FACT_KIND, value=value, source=url)
        except ValidationError:
            pass
    return FactReport(service=name, kind=FACT_KIND, value=value)
