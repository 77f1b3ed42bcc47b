"""The registry of stage-gate criteria, checks evaluated from data; later modules add their own
with `register_criterion`. An evaluator reads (never writes) and answers a message detail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_names_by_id
from tmse.core.messages import N_, Message, message, render
from tmse.delivery.labels import BASELINE_STATES, QUALITY_GATE_STATES, REVIEW_STATES
from tmse.delivery.models import Phase, StageGate
from tmse.devops.quality_gates.queries import latest_gate
from tmse.planning.models import Project
from tmse.requirements import queries as requirement_queries
from tmse.requirements.baselines import queries as baseline_queries
from tmse.requirements.enums import RequirementStatus
from tmse.standards.reviews.gate import GateResult, architecture_gate
from tmse.standards.reviews.queries import reviewed_service_names

# A requirement is approved "or later" in these states.
APPROVED_OR_LATER = frozenset(
    {RequirementStatus.APPROVED, RequirementStatus.IN_PROGRESS, RequirementStatus.DONE}
)
LISTED = 5


@dataclass(frozen=True)
class CriterionResult:
    passed: bool
    detail: Message


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
    detail: Message

    def stored(self) -> dict[str, Any]:
        """The result as a gate decision keeps it: the English detail and its message."""
        return {
            "key": self.key,
            "passed": self.passed,
            "detail": render(self.detail, "en"),
            "detail_message": self.detail.to_json(),
        }


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
            detail = message("no criterion '{key}' is registered", key=key)
            results.append(EvaluatedCriterion(key, key, params, False, detail))
            continue
        try:
            outcome = criterion.evaluate(session, project, phase, params)
        except Exception as exc:  # one broken check must not hide the others' results
            outcome = CriterionResult(False, message("the check failed: {error}", error=str(exc)))
        results.append(
            EvaluatedCriterion(key, criterion.label, params, outcome.passed, outcome.detail)
        )
    return results


def _joined(parts: list[Message]) -> Message:
    """Messages listed with '; ' between them (each translated on its own)."""
    joined = parts[0]
    for part in parts[1:]:
        joined = message("{first}; {rest}", first=joined, rest=part)
    return joined


def all_must_approved(
    session: Session, project: Project, phase: Phase, params: dict[str, Any]
) -> CriterionResult:
    """Every Must requirement of the project (or of `params["release_id"]`) is approved or
    later; rejected and duplicate ones are left out."""
    release_id = params.get("release_id")
    rows = requirement_queries.must_requirement_statuses(
        session, project.id, int(release_id) if release_id else None
    )
    waiting = [requirement_id for requirement_id, status in rows if status not in APPROVED_OR_LATER]
    if not rows:
        return CriterionResult(True, message("no Must requirement in scope"))
    if waiting:
        keys = ", ".join(f"REQ-{i}" for i in waiting[:LISTED])
        if len(waiting) > LISTED:
            detail = message(
                "{count} of {total} Must requirements not approved: {keys} and {more} more",
                count=len(waiting),
                total=len(rows),
                keys=keys,
                more=len(waiting) - LISTED,
            )
        else:
            detail = message(
                "{count} of {total} Must requirements not approved: {keys}",
                count=len(waiting),
                total=len(rows),
                keys=keys,
            )
        return CriterionResult(False, detail)
    return CriterionResult(
        True, message("all {count} Must requirements approved or later", count=len(rows))
    )


def baseline_exists(
    session: Session, project: Project, phase: Phase, params: dict[str, Any]
) -> CriterionResult:
    """The gate's required baseline exists and is signed, or (none required) a signed baseline
    of the project exists."""
    required_id = session.scalar(
        select(StageGate.required_baseline_id).where(StageGate.phase_id == phase.id)
    )
    if required_id is not None:
        required = baseline_queries.baseline_ref(session, required_id)
        if required is None:
            return CriterionResult(
                False, message("required baseline #{id} does not exist", id=required_id)
            )
        if not required.signed:
            status = BASELINE_STATES.get(required.status, required.status)
            detail = message(
                "required baseline '{name}' is {status}, not signed",
                name=required.name,
                status=status,
            )
            return CriterionResult(False, detail)
        return CriterionResult(
            True, message("required baseline '{name}' is signed", name=required.name)
        )
    baseline = baseline_queries.latest_signed_baseline(session, project.id)
    if baseline is None:
        return CriterionResult(False, message("the project has no approved baseline"))
    return CriterionResult(
        True, message("approved baseline '{name}' (#{id})", name=baseline.name, id=baseline.id)
    )


def touched_services(session: Session, project_id: int) -> list[tuple[int, str]]:
    """(id, name) of the services the project's requirements touch (trace links), by name."""
    service_ids = requirement_queries.traced_target_ids(session, project_id, "service")
    return service_names_by_id(session, service_ids)


def _review_reason(name: str, result: GateResult) -> Message:
    """Why a service has not passed its architecture review, in words a reader's language has."""
    if result.review_id is None:
        return message("'{name}' has no architecture review", name=name)
    if result.open_conditions:
        return message(
            "review {review} approved with {count} open condition(s)",
            review=result.review_id,
            count=len(result.open_conditions),
        )
    if result.status == "rejected":
        return message("review {review} was rejected", review=result.review_id)
    return message(
        "review {review} is still {status}",
        review=result.review_id,
        status=REVIEW_STATES.get(str(result.status), str(result.status)),
    )


def architecture_reviews_passed(
    session: Session, project: Project, phase: Phase, params: dict[str, Any]
) -> CriterionResult:
    """Every service touched by the project's requirements has passed architecture review
    (`tmse.standards.reviews.gate.architecture_gate`)."""
    services = touched_services(session, project.id)
    if not services:
        return CriterionResult(True, message("no requirement of the project touches a service"))
    reviewed = reviewed_service_names(session, dict(services))
    failing: list[Message] = []
    for _, name in services:
        # A service no review names fails the gate for that reason; asking the gate for each
        # of hundreds of unreviewed services would only repeat it.
        if name not in reviewed:
            reason = message("'{name}' has no architecture review", name=name)
        else:
            result = architecture_gate(session, name)
            if result.passed:
                continue
            reason = _review_reason(name, result)
        failing.append(message("{name}: {reason}", name=name, reason=reason))
    if failing:
        detail = message(
            "{count} of {total} services not passed — {reasons}",
            count=len(failing),
            total=len(services),
            reasons=_joined(failing[:LISTED]),
        )
        return CriterionResult(False, detail)
    return CriterionResult(
        True, message("all {count} touched services passed review", count=len(services))
    )


def quality_gates_passed(
    session: Session, project: Project, phase: Phase, params: dict[str, Any]
) -> CriterionResult:
    """Every service touched by the project's requirements passed its latest quality gate
    (coverage and tests uploaded by its pipeline, `tmse.devops.quality_gates`)."""
    services = touched_services(session, project.id)
    if not services:
        return CriterionResult(True, message("no requirement of the project touches a service"))
    failing: list[Message] = []
    for service_id, name in services:
        latest = latest_gate(session, service_id)
        if latest is None:
            failing.append(message("'{name}' has no quality gate run", name=name))
        elif latest[0] != "passed":
            status = QUALITY_GATE_STATES.get(latest[0], latest[0])
            failing.append(
                message(
                    "'{name}': quality gate run {run} {status}",
                    name=name,
                    run=latest[1],
                    status=status,
                )
            )
    if failing:
        detail = message(
            "{count} of {total} services not passed — {reasons}",
            count=len(failing),
            total=len(services),
            reasons=_joined(failing[:LISTED]),
        )
        return CriterionResult(False, detail)
    return CriterionResult(
        True, message("all {count} touched services passed their quality gate", count=len(services))
    )


def no_open_change_requests(
    session: Session, project: Project, phase: Phase, params: dict[str, Any]
) -> CriterionResult:
    """No change request of the project is still open (draft or submitted)."""
    open_ids = requirement_queries.open_change_request_ids(session, project.id)
    if open_ids:
        shown = ", ".join(f"#{i}" for i in open_ids[:LISTED])
        return CriterionResult(
            False,
            message("{count} open change request(s): {ids}", count=len(open_ids), ids=shown),
        )
    return CriterionResult(True, message("no open change request"))


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
    "quality-gates-passed",
    N_("Quality gates passed"),
    quality_gates_passed,
    "Every service the project's requirements touch passed its latest quality gate.",
)
register_criterion(
    "no-open-change-requests",
    N_("No open change requests"),
    no_open_change_requests,
    "No change request of the project is a draft or waiting for the board.",
)
