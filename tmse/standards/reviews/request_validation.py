"""A review request checked against the catalog and the decision records before it is stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.queries import ServiceRef, service_ref
from tmse.core.errors import InvalidInput
from tmse.standards.decisions.models import DecisionRecord
from tmse.standards.reviews.models import ReviewKind
from tmse.standards.reviews.schemas import DependencyIn, ReviewCreate


def _check_dependencies(
    field: str, name: str, dependencies: list[DependencyIn], errors: list[dict[str, Any]]
) -> None:
    seen: set[tuple[str, str]] = set()
    for index, dependency in enumerate(dependencies):
        key = (str(dependency.kind), dependency.target)
        where = f"{field}[{index}].target"
        if key in seen:
            errors.append({"field": where, "message": f"'{dependency.target}' is listed twice"})
        elif dependency.kind == "service" and dependency.target == name:
            errors.append({"field": where, "message": "a service cannot depend on itself"})
        seen.add(key)


def validated_subject(
    session: Session, data: ReviewCreate
) -> tuple[ServiceRef | None, dict[str, Any], str | None]:
    """(the reviewed service, the proposal to store, the owner team's name) or one 422."""
    errors: list[dict[str, Any]] = []
    service: ServiceRef | None = None
    proposal: dict[str, Any] = {}
    owner: str | None = None
    if data.kind == ReviewKind.NEW_SERVICE:
        if data.proposal is None:
            errors.append({"field": "proposal", "message": "a new service needs a proposal"})
        else:
            _check_dependencies(
                "proposal.dependencies", data.proposal.name, data.proposal.dependencies, errors
            )
            proposal = data.proposal.model_dump(mode="json")
            owner = data.proposal.owner
        if data.service is not None:
            errors.append({"field": "service", "message": "only a significant change names one"})
        if data.dependencies:
            errors.append(
                {"field": "dependencies", "message": "put a new service's in proposal.dependencies"}
            )
    else:
        if data.proposal is not None:
            errors.append({"field": "proposal", "message": "only a new service has a proposal"})
        if not data.service:
            errors.append({"field": "service", "message": "name the service that changes"})
        else:
            service = service_ref(session, data.service)
            if service is None:
                errors.append({"field": "service", "message": f"no service named '{data.service}'"})
            else:
                _check_dependencies("dependencies", service.name, data.dependencies, errors)
                proposal = {"dependencies": [d.model_dump(mode="json") for d in data.dependencies]}
    for index, number in enumerate(data.adrs):
        if session.scalar(select(DecisionRecord.id).where(DecisionRecord.number == number)) is None:
            errors.append({"field": f"adrs[{index}]", "message": f"no ADR numbered {number}"})
    if errors:
        raise InvalidInput("The review request is not valid", errors)
    return service, proposal, owner
