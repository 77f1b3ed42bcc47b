"""Taking, signing, discarding and verifying baselines, and what a person may do to one.
Every write is audited; nothing here updates a signed baseline (the models' guard refuses it)."""

from __future__ import annotations

import hmac
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import Conflict, Forbidden, InvalidInput
from tmse.core.identity.models import User
from tmse.core.permissions import BASELINES_WRITE, allows, permissions_for
from tmse.planning import queries as planning
from tmse.requirements.baselines.models import Baseline, BaselineItem, BaselineStatus
from tmse.requirements.baselines.queries import baseline_snapshot, capture, get_baseline
from tmse.requirements.baselines.schemas import BaselineCreate
from tmse.requirements.baselines.snapshot import sign_digest, snapshot_digest
from tmse.requirements.models import Requirement, RequirementStatus

# Items are written in batches of this many rows.
INSERT_BATCH = 1000


# --- create --------------------------------------------------------------------------------


def _approver(session: Session, username: str, errors: list[dict[str, Any]]) -> User | None:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        errors.append({"field": "approver", "message": f"no active user named '{username}'"})
        return None
    if not allows(permissions_for(set(user.role_names)), BASELINES_WRITE):
        errors.append({"field": "approver", "message": f"'{username}' may not approve baselines"})
        return None
    return user


def _selected_ids(
    session: Session, data: BaselineCreate, project_id: int | None, errors: list[dict[str, Any]]
) -> list[int]:
    if data.requirement_ids is not None:
        ids = sorted(set(data.requirement_ids))
        found: set[int] = set()
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            found |= set(session.scalars(select(Requirement.id).where(Requirement.id.in_(chunk))))
        for index, rid in enumerate(data.requirement_ids):
            if rid not in found:
                errors.append(
                    {"field": f"requirement_ids[{index}]", "message": f"no requirement {rid}"}
                )
        if not ids:
            errors.append({"field": "requirement_ids", "message": "list at least one"})
        return ids
    if project_id is None and data.release_id is None:
        errors.append(
            {
                "field": "requirement_ids",
                "message": "give requirement ids, or a project or release to select from",
            }
        )
        return []
    stmt = select(Requirement.id)
    if project_id is not None:
        stmt = stmt.where(Requirement.project_id == project_id)
    if data.release_id is not None:
        stmt = stmt.where(Requirement.release_id == data.release_id)
    if data.statuses:
        stmt = stmt.where(Requirement.status.in_(data.statuses))
    return list(session.scalars(stmt.order_by(Requirement.id)))


def create_baseline(session: Session, actor: Actor, data: BaselineCreate) -> Baseline:
    """Snapshot the chosen requirements as a draft awaiting its approver's signature."""
    errors: list[dict[str, Any]] = []
    name = data.name.strip()
    if not name:
        errors.append({"field": "name", "message": "must not be blank"})
    elif session.scalar(select(Baseline.id).where(Baseline.name == name)) is not None:
        errors.append({"field": "name", "message": f"a baseline named '{name}' exists"})
    approver = _approver(session, data.approver.strip(), errors)
    project_id = data.project_id
    if project_id is not None and not planning.project_exists(session, project_id):
        errors.append({"field": "project_id", "message": f"no project {project_id}"})
    if data.release_id is not None:
        release = planning.release(session, data.release_id)
        if release is None:
            errors.append({"field": "release_id", "message": f"no release {data.release_id}"})
        elif project_id is None:
            project_id = release.project_id
        elif release.project_id != project_id:
            errors.append(
                {"field": "release_id", "message": "the release belongs to another project"}
            )
    known = {s.value for s in RequirementStatus}
    for index, status in enumerate(data.statuses):
        if status not in known:
            errors.append(
                {
                    "field": f"statuses[{index}]",
                    "message": f"'{status}' is not one of: {', '.join(sorted(known))}",
                }
            )
    ids = [] if errors else _selected_ids(session, data, project_id, errors)
    if not errors and not ids:
        errors.append({"field": "statuses", "message": "the selection holds no requirement"})
    if errors or approver is None:
        raise InvalidInput("The baseline is not valid", errors)

    items = capture(session, ids)
    if data.requirement_ids is not None:
        selection: dict[str, Any] = {"requirement_ids": ids}
    else:
        selection = {
            "project_id": project_id,
            "release_id": data.release_id,
            "statuses": sorted(set(data.statuses)),
        }
    baseline = Baseline(
        name=name,
        description=data.description,
        status=BaselineStatus.DRAFT,
        project_id=project_id,
        release_id=data.release_id,
        selection=selection,
        created_by_id=actor.user_id,
        approver_id=approver.id,
        item_count=len(items),
    )
    session.add(baseline)
    session.flush()
    rows = [
        {
            "baseline_id": baseline.id,
            "requirement_id": item.requirement_id,
            "fields": item.fields,
            "links": item.links,
        }
        for item in items
    ]
    for start in range(0, len(rows), INSERT_BATCH):
        session.execute(insert(BaselineItem), rows[start : start + INSERT_BATCH])
    audit.record(
        session,
        actor,
        "create",
        "baseline",
        baseline.id,
        None,
        {
            "name": name,
            "status": baseline.status,
            "approver": approver.username,
            "selection": selection,
            "item_count": len(items),
        },
    )
    return baseline


# --- sign, discard, verify -----------------------------------------------------------------


def _may_sign(actor: Actor, baseline: Baseline) -> bool:
    return actor.user_id is not None and actor.user_id == baseline.approver_id


def _may_discard(actor: Actor, baseline: Baseline) -> bool:
    return actor.user_id is not None and actor.user_id in (
        baseline.created_by_id,
        baseline.approver_id,
    )


def allowed_actions(actor: Actor, baseline: Baseline | None) -> frozenset[str]:
    """What `actor` may do now: to a baseline (sign, discard), or "create" when it is None."""
    if not actor.can(BASELINES_WRITE):
        return frozenset()
    if baseline is None:
        return frozenset({"create"})
    if baseline.status != BaselineStatus.DRAFT:
        return frozenset()
    actions = {"sign"} if _may_sign(actor, baseline) else set()
    if _may_discard(actor, baseline):
        actions.add("discard")
    return frozenset(actions)


def _require_draft(baseline: Baseline, doing: str) -> None:
    if baseline.status != BaselineStatus.DRAFT:
        raise Conflict(
            f"Baseline {baseline.id} is {baseline.status}; only a draft can be {doing}.",
            status_now=baseline.status,
        )


def sign_baseline(session: Session, actor: Actor, baseline_id: int, secret: str) -> Baseline:
    """The named approver signs the draft: it becomes approved and immutable."""
    baseline = get_baseline(session, baseline_id)
    if not _may_sign(actor, baseline):
        raise Forbidden(
            f"Only the approver named on baseline {baseline.id} can sign it.", slug="approver-only"
        )
    _require_draft(baseline, "signed")
    signed_at = utcnow().replace(microsecond=0)
    digest = snapshot_digest(
        baseline.name, baseline.approver_id, signed_at, baseline_snapshot(session, baseline.id)
    )
    baseline.status = BaselineStatus.APPROVED
    baseline.signed_at = signed_at
    baseline.digest = digest
    baseline.signature = sign_digest(secret, digest)
    session.flush()
    audit.record(
        session,
        actor,
        "sign",
        "baseline",
        baseline.id,
        {"status": BaselineStatus.DRAFT},
        {"status": baseline.status, "signed_at": signed_at, "digest": digest},
    )
    return baseline


def discard_baseline(session: Session, actor: Actor, baseline_id: int) -> Baseline:
    """Its creator or its approver drops a draft; it stays on record, marked discarded."""
    baseline = get_baseline(session, baseline_id)
    if not _may_discard(actor, baseline):
        raise Forbidden(
            f"Only the creator or the approver of baseline {baseline.id} can discard it.",
            slug="creator-or-approver-only",
        )
    _require_draft(baseline, "discarded")
    baseline.status = BaselineStatus.DISCARDED
    baseline.discarded_at = utcnow()
    baseline.discarded_by_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor,
        "discard",
        "baseline",
        baseline.id,
        {"status": BaselineStatus.DRAFT},
        {"status": baseline.status},
    )
    return baseline


def verify_baseline(session: Session, baseline_id: int, secret: str) -> dict[str, Any]:
    """Recompute the digest from the stored snapshot and the signature with this instance's
    secret; `valid` when both match what was stored at signing."""
    baseline = get_baseline(session, baseline_id)
    result: dict[str, Any] = {
        "baseline_id": baseline.id,
        "status": baseline.status,
        "signed": baseline.signature is not None,
        "valid": False,
        "digest_matches": False,
        "signature_matches": False,
        "stored_digest": baseline.digest,
        "computed_digest": None,
        "checked_at": utcnow(),
    }
    if baseline.signed_at is None or baseline.signature is None or baseline.digest is None:
        return result
    items = baseline_snapshot(session, baseline.id)
    computed = snapshot_digest(baseline.name, baseline.approver_id, baseline.signed_at, items)
    digest_ok = hmac.compare_digest(computed, baseline.digest)
    signature_ok = hmac.compare_digest(sign_digest(secret, computed), baseline.signature)
    result.update(
        computed_digest=computed,
        digest_matches=digest_ok,
        signature_matches=signature_ok,
        valid=digest_ok and signature_ok,
    )
    return result
