"""Requirements to delivery: each requirement's keys (`REQ-<id>` and the key it came in with)
looked up in the pull requests and production deployments DevOps recorded."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.devops.trace import Delivery, requirement_delivery
from tmse.integrations.cicd_events.keys import REQUIREMENT_PREFIX
from tmse.requirements.models import Requirement

# Requirements looked up together: a page of the matrix, or one batch of an export.
BATCH = 200


def requirement_keys(session: Session, requirement_ids: Iterable[int]) -> dict[int, list[str]]:
    """`REQ-<id>` for each existing requirement, and its outside key when it has one."""
    ids = sorted(set(requirement_ids))
    keys: dict[int, list[str]] = {}
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        query = select(Requirement.id, Requirement.external_key).where(Requirement.id.in_(batch))
        for requirement_id, external_key in session.execute(query):
            found = [f"{REQUIREMENT_PREFIX}-{requirement_id}"]
            if external_key:
                found.append(external_key.upper())
            keys[requirement_id] = found
    return keys


def deliveries(session: Session, requirement_ids: Iterable[int]) -> dict[int, Delivery]:
    """Each requirement's pull requests, production deployments and first production date."""
    keys = requirement_keys(session, requirement_ids)
    found: dict[int, Delivery] = {}
    ids = list(keys)
    for start in range(0, len(ids), BATCH):
        batch = {rid: keys[rid] for rid in ids[start : start + BATCH]}
        found.update(requirement_delivery(session, batch))
    return found


def delivery(session: Session, requirement_id: int) -> Delivery:
    """One requirement's delivery (empty when nothing names it)."""
    return deliveries(session, [requirement_id]).get(requirement_id, Delivery())
