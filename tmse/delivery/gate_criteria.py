"""The registry of stage-gate criteria: automatic checks evaluated from data. Later modules add
their own with `register_criterion` (coverage, SLOs, runbooks, ...); the built-ins are here.

An evaluator gets the session, the project, the gated phase and the criterion's params from
the gate, and answers `CriterionResult(passed, detail)`; it must not write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.links.models import TraceLink
from tmse.delivery.models import Phase, StageGate
from tmse.planning.models import Project
from tmse.requirements.models import MoSCoW, Requirement, RequirementStatus
from tmse.web.labels import N_

# A requirement is approved "or later" in these states.
APPROVED_OR_LATER = frozenset(
    {RequirementStatus.APPROVED, RequirementStatus.IN_PROGRESS, RequirementStatus.DONE}
)
# Requirements that will not be delivered do not hold a gate back.
NOT_DELIVERED = frozenset({RequirementStatus.REJECTED, RequirementStatus.DUPLICATE})
LISTED = 5


@dataclass(frozen=True)
class CriterionResult:
    passed: bool
    detail: str


Evaluator = Callable[[Session, Project, Phase, dict[str, Any]], CriterionResult]


@dataclass(frozen=True)
class Criterion:
    key: str
    # An English msgid; pages translate it.
    label: str
    evaluate: Evaluator = field(repr=False)
    description: str = ""


@dataclass(frozen=True)
class EvaluatedCriterion:
    key: str
    label: str
    params: dict[str, Any]
    passed: bool
    detail: str


_registry: dict[str, Criterion] = {}


def register_criterion(
    key: str, label_msgid: str, evaluate: Evaluator, description: str = ""
) -> Criterion:
    """Add a criterion (registering a key again replaces it)."""
    criterion = Criterion(key, label_msgid, evaluate, description)
    _registry[key] = criterion
    return criterion


def unregister_criterion(key: str) -> None:
    _registry.pop(key, None)


def get_criterion(key: str) -> Criterion | None:
    return _registry.get(key)


def registered_criteria() -> list[Criterion]:
    return sorted(_registry.values(), key=lambda c: c.key)


def evaluate_criteria(
    session: Session, project: Project, phase: Phase, criteria: list[dict[str, Any]]
) -> list[EvaluatedCriterion]:
    """Each criterion of a gate evaluated now; an unknown key or a failing evaluator fails."""
    results = []
    for entry in criteria:
        key, params = str(entry.get("key", "")), dict(entry.get("params") or {})
        criterion = _registry.get(key)
        if criterion is None:
            results.append(
                EvaluatedCriterion(key, key, params, False, f"no criterion '{key}' is registered")
            )
            continue
        try:
            outcome = criterion.evaluate(session, project, phase, params)
        except Exception as exc:  # one broken check must not hide the others' results
            outcome = CriterionResult(False, f"the check failed: {exc}")
        results.append(
            EvaluatedCriterion(key, criterion.label, params, outcome.passed, outcome.detail)
        )
    return results


def _keys(ids: list[int]) -> str:
    shown = ", ".join(f"REQ-{i}" for i in ids[:LISTED])
    return shown + (f" and {len(ids) - LISTED} more" if len(ids) > LISTED else "")


def all_must_approved(
    session: Session, project: Project, phase: Phase, params: dict[str, Any]
) -> CriterionResult:
    """Every Must requirement of the project (or of `params["release_id"]`) is approved or
    later; rejected and duplicate ones are left out."""
    stmt = select(Requirement.id, Requirement.status).where(
        Requirement.moscow == MoSCoW.MUST, Requirement.status.not_in(list(NOT_DELIVERED))
    )
    release_id = params.get("release_id")
    if release_id:
        stmt = stmt.where(Requirement.release_id == int(release_id))
    else:
        stmt = stmt.where(Requirement.project_id == project.id)
    rows = session.execute(stmt.order_by(Requirement.id)).all()
    waiting = [row.id for row in rows if row.status not in APPROVED_OR_LATER]
    if not rows:
        return CriterionResult(True, "no Must requirement in scope")
    if waiting:
        return CriterionResult(
            False, f"{len(waiting)} of {len(rows)} Must requirements not approved: {_keys(waiting)}"
        )
    return CriterionResult(True, f"all {len(rows)} Must requirements approved or later")


def baseline_exists(
    session: Session, project: Project, phase: Phase, params: dict[str, Any]
) -> CriterionResult:
    """The gate's required baseline exists and is signed, or (none required) a signed baseline
    of the project exists."""
    from tmse.requirements.baselines.models import Baseline, BaselineStatus
    from tmse.requirements.baselines.service import latest_approved_baseline

    required_id = session.scalar(
        select(StageGate.required_baseline_id).where(StageGate.phase_id == phase.id)
    )
    if required_id is not None:
        required = session.get(Baseline, required_id)
        if required is None:
            return CriterionResult(False, f"required baseline #{required_id} does not exist")
        if required.status != BaselineStatus.APPROVED:
            return CriterionResult(
                False, f"required baseline '{required.name}' is {required.status}, not signed"
            )
        return CriterionResult(True, f"required baseline '{required.name}' is signed")
    baseline = latest_approved_baseline(session, project.id)
    if baseline is None:
        return CriterionResult(False, "the project has no approved baseline")
    return CriterionResult(True, f"approved baseline '{baseline.name}' (#{baseline.id})")


def touched_services(session: Session, project_id: int) -> list[tuple[int, str]]:
    """(id, name) of the services the project's requirements touch (trace links), by name."""
    from tmse.catalog.models import Service

    requirement_ids = select(Requirement.id).where(Requirement.project_id == project_id)
    service_ids = select(TraceLink.target_id).where(
        TraceLink.source_type == "requirement",
        TraceLink.source_id.in_(requirement_ids),
        TraceLink.target_type == "service",
    )
    rows = session.execute(
        select(Service.id, Service.name).where(Service.id.in_(service_ids)).order_by(Service.name)
    )
    return [(row.id, row.name) for row in rows]


def _reviewed(session: Session, services: list[tuple[int, str]]) -> set[str]:
    """Names among `services` with any review that is not withdrawn (of the service itself or
    of the proposal that created it); only these need the full architecture gate."""
    from tmse.standards.reviews.models import ArchitectureReview, ReviewKind, ReviewStatus

    kept = ArchitectureReview.status != ReviewStatus.WITHDRAWN
    by_id = dict(services)
    reviewed = {
        by_id[service_id]
        for service_id in session.scalars(
            select(ArchitectureReview.service_id).where(
                kept, ArchitectureReview.service_id.in_(list(by_id))
            )
        )
        if service_id is not None
    }
    proposals = session.scalars(
        select(ArchitectureReview.proposal).where(
            kept, ArchitectureReview.kind == ReviewKind.NEW_SERVICE
        )
    )
    names = set(by_id.values())
    reviewed |= {p.get("name") for p in proposals if p and p.get("name") in names}
    return reviewed


def architecture_reviews_passed(
    session: Session, project: Project, phase: Phase, params: dict[str, Any]
) -> CriterionResult:
    """Every service touched by the project's requirements has passed architecture review
    (`tmse.standards.reviews.gate.architecture_gate`)."""
    from tmse.standards.reviews.gate import architecture_gate

    services = touched_services(session, project.id)
    if not services:
        return CriterionResult(True, "no requirement of the project touches a service")
    reviewed = _reviewed(session, services)
    failing: list[tuple[str, str]] = []
    for _, name in services:
        # A service no review names fails the gate for that reason; asking the gate for each
        # of hundreds of unreviewed services would only repeat it.
        if name not in reviewed:
            failing.append((name, f"'{name}' has no architecture review"))
            continue
        result = architecture_gate(session, name)
        if not result.passed:
            failing.append((name, result.reason))
    if failing:
        reasons = "; ".join(f"{name}: {reason}" for name, reason in failing[:LISTED])
        return CriterionResult(
            False, f"{len(failing)} of {len(services)} services not passed — {reasons}"
        )
    return CriterionResult(True, f"all {len(services)} touched services passed review")


def no_open_change_requests(
    session: Session, project: Project, phase: Phase, params: dict[str, Any]
) -> CriterionResult:
    """No change request of the project is still open (draft or submitted)."""
    from tmse.requirements.changes.models import OPEN_STATUSES, ChangeRequest

    open_ids = list(
        session.scalars(
            select(ChangeRequest.id)
            .where(
                ChangeRequest.project_id == project.id,
                ChangeRequest.status.in_(list(OPEN_STATUSES)),
            )
            .order_by(ChangeRequest.id)
        )
    )
    if open_ids:
        shown = ", ".join(f"#{i}" for i in open_ids[:LISTED])
        return CriterionResult(False, f"{len(open_ids)} open change request(s): {shown}")
    return CriterionResult(True, "no open change request")


register_criterion(
    "all-must-approved",
    N_("All Must requirements approved"),
    all_must_approved,
    "Every Must requirement of the project (params: release_id to narrow) is approved or later.",
)
register_criterion(
    "baseline-exists",
    N_("Baseline exists"),
    baseline_exists,
    "The gate's required baseline, or an approved baseline of the project, exists.",
)
register_criterion(
    "architecture-reviews-passed",
    N_("Architecture reviews passed"),
    architecture_reviews_passed,
    "Every service the project's requirements touch passes its architecture review.",
)
register_criterion(
    "no-open-change-requests",
    N_("No open change requests"),
    no_open_change_requests,
    "No change request of the project is a draft or waiting for the board.",
)
