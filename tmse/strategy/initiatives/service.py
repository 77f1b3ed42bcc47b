"""Every change to initiatives (tech investments) and to the requirements they include.
Audited; bad input is refused whole before anything is written."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import InvalidInput, NotFound, check_version
from tmse.requirements import queries as requirement_queries
from tmse.strategy import chain
from tmse.strategy.models import DRIVES, INCLUDES, Initiative, TechObjective
from tmse.strategy.schemas import InitiativeCreate, InitiativeUpdate
from tmse.strategy.service import check_unique_name, snapshot

INITIATIVE_FIELDS = (
    "name",
    "description",
    "owner_id",
    "planned_person_days",
    "planned_cost",
    "currency",
    "start_on",
    "end_on",
    "status",
)


def get_initiative(session: Session, initiative_id: int) -> Initiative:
    initiative = session.get(Initiative, initiative_id)
    if initiative is None:
        raise NotFound(f"Initiative {initiative_id} does not exist")
    return initiative


def _check_dates(start: Any, end: Any, errors: list[dict[str, Any]]) -> None:
    if start is not None and end is not None and end < start:
        errors.append({"field": "end_on", "message": "must not be before start_on"})


def create_initiative(session: Session, actor: Actor, data: InitiativeCreate) -> Initiative:
    objective_ids = list(dict.fromkeys(data.objective_ids))
    errors = chain.owner_error(session, data.owner)
    _check_dates(data.start_on, data.end_on, errors)
    errors += chain.unknown_ids(session, TechObjective, data.objective_ids, "objective_ids")
    if errors:
        raise InvalidInput("The initiative is not valid", errors)
    check_unique_name(session, Initiative, data.name, None, "initiative")
    initiative = Initiative(
        **data.model_dump(exclude={"owner", "objective_ids"}),
        owner_id=chain.owner_id(session, data.owner),
    )
    session.add(initiative)
    session.flush()
    after = snapshot(initiative, INITIATIVE_FIELDS) | {"objective_ids": objective_ids}
    audit.record(session, actor, "create", "initiative", initiative.id, None, after)
    chain.add_links(
        session,
        actor,
        DRIVES,
        "objective",
        "initiative",
        [(o, initiative.id) for o in objective_ids],
    )
    return initiative


def update_initiative(
    session: Session, actor: Actor, initiative_id: int, data: InitiativeUpdate
) -> Initiative:
    initiative = get_initiative(session, initiative_id)
    check_version("Initiative", initiative.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "owner", "objective_ids"})
    errors = chain.owner_error(session, data.owner)
    _check_dates(
        changes.get("start_on", initiative.start_on),
        changes.get("end_on", initiative.end_on),
        errors,
    )
    for required in ("name", "planned_person_days", "planned_cost", "currency", "status"):
        if required in changes and changes[required] is None:
            errors.append({"field": required, "message": "cannot be empty"})
    if data.objective_ids is not None:
        errors += chain.unknown_ids(session, TechObjective, data.objective_ids, "objective_ids")
    if errors:
        raise InvalidInput("The initiative is not valid", errors)
    check_unique_name(session, Initiative, changes.get("name"), initiative.id, "initiative")
    before = snapshot(initiative, INITIATIVE_FIELDS)
    for name, value in changes.items():
        setattr(initiative, name, value)
    if "owner" in data.model_fields_set:
        initiative.owner_id = chain.owner_id(session, data.owner)
    session.flush()
    after = snapshot(initiative, INITIATIVE_FIELDS)
    audit.record(session, actor, "update", "initiative", initiative.id, before, after)
    if data.objective_ids is not None:
        chain.replace_sources(
            session,
            actor,
            DRIVES,
            "objective",
            "initiative",
            initiative.id,
            list(dict.fromkeys(data.objective_ids)),
        )
    return initiative


def delete_initiative(
    session: Session, actor: Actor, initiative_id: int, version: int | None
) -> None:
    initiative = get_initiative(session, initiative_id)
    if version is not None:
        check_version("Initiative", initiative.version, version)
    before = snapshot(initiative, INITIATIVE_FIELDS)
    chain.drop_links_of(session, actor, "initiative", initiative.id)
    session.delete(initiative)
    session.flush()
    audit.record(session, actor, "delete", "initiative", initiative_id, before, None)


def include_requirements(
    session: Session, actor: Actor, initiative_id: int, requirement_ids: list[int]
) -> int:
    """Link the initiative to requirements it includes; already-included ones are left as they
    are. How many links were made."""
    initiative = get_initiative(session, initiative_id)
    found = requirement_queries.existing_requirement_ids(session, requirement_ids)
    errors = [
        {"field": f"requirement_ids[{index}]", "message": f"no requirements row with id {value}"}
        for index, value in enumerate(requirement_ids)
        if value not in found
    ]
    if errors:
        raise InvalidInput("Unknown requirements", errors)
    return chain.add_links(
        session,
        actor,
        INCLUDES,
        "initiative",
        "requirement",
        [(initiative.id, r) for r in requirement_ids],
    )


def exclude_requirements(
    session: Session, actor: Actor, initiative_id: int, requirement_ids: list[int]
) -> int:
    """Remove the initiative's links to these requirements; how many were removed."""
    initiative = get_initiative(session, initiative_id)
    return chain.remove_links(
        session,
        actor,
        INCLUDES,
        "initiative",
        "requirement",
        [(initiative.id, r) for r in requirement_ids],
    )
