"""Reading baselines: the questions other domains ask (is this requirement baselined? which is a
project's latest signed baseline?), lists, snapshots, and the names their pages show."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from tmse.core.errors import NotFound
from tmse.core.identity.models import User, UserRole
from tmse.core.links.models import TraceLink
from tmse.core.pagination import ListParams, paginate
from tmse.core.permissions import BASELINES_WRITE, ROLE_PERMISSIONS
from tmse.planning import queries as planning
from tmse.requirements.baselines.models import Baseline, BaselineItem, BaselineStatus
from tmse.requirements.baselines.snapshot import SnapshotItem, json_safe, link_key
from tmse.requirements.models import Requirement

REQUIREMENT = "requirement"
# Ids per IN (...) list: well under every database's parameter limit.
CHUNK = 900
COLUMNS: tuple[str, ...] = tuple(c.key for c in Requirement.__table__.columns)


@dataclass(frozen=True)
class BaselineRef:
    """A baseline as another domain shows it."""

    id: int
    name: str
    status: str
    project_id: int | None

    @property
    def signed(self) -> bool:
        return self.status == BaselineStatus.APPROVED


def _ref(baseline: Baseline) -> BaselineRef:
    return BaselineRef(baseline.id, baseline.name, baseline.status, baseline.project_id)


def baseline_ref(session: Session, baseline_id: int) -> BaselineRef | None:
    baseline = session.get(Baseline, baseline_id)
    return None if baseline is None else _ref(baseline)


def latest_signed_baseline(session: Session, project_id: int) -> BaselineRef | None:
    """The project's most recently signed baseline, if any."""
    stmt = (
        select(Baseline)
        .where(Baseline.project_id == project_id, Baseline.status == BaselineStatus.APPROVED)
        .order_by(Baseline.signed_at.desc(), Baseline.id.desc())
        .limit(1)
    )
    baseline = session.scalar(stmt)
    return None if baseline is None else _ref(baseline)


def signed_baselines(session: Session, project_id: int) -> list[BaselineRef]:
    """The project's signed baselines, newest first."""
    stmt = (
        select(Baseline)
        .where(Baseline.project_id == project_id, Baseline.status == BaselineStatus.APPROVED)
        .order_by(Baseline.id.desc())
    )
    return [_ref(b) for b in session.scalars(stmt)]


# --- questions other parts ask -----------------------------------------------------------


def in_approved_baseline(session: Session, requirement_id: int) -> bool:
    """Whether a signed baseline holds this requirement (its content then needs a change
    request to change)."""
    stmt = select(
        exists().where(
            BaselineItem.requirement_id == requirement_id,
            BaselineItem.baseline_id == Baseline.id,
            Baseline.status == BaselineStatus.APPROVED,
        )
    )
    return bool(session.scalar(stmt))


def approved_baseline_ids_for(session: Session, requirement_id: int) -> list[int]:
    """Ids of the signed baselines holding this requirement, oldest first."""
    stmt = (
        select(Baseline.id)
        .join(BaselineItem, BaselineItem.baseline_id == Baseline.id)
        .where(
            BaselineItem.requirement_id == requirement_id,
            Baseline.status == BaselineStatus.APPROVED,
        )
        .order_by(Baseline.id)
    )
    return list(session.scalars(stmt))


def baselines_for_requirement(session: Session, requirement_id: int) -> list[Baseline]:
    """Every baseline (draft, approved or discarded) holding this requirement, newest first."""
    stmt = (
        select(Baseline)
        .join(BaselineItem, BaselineItem.baseline_id == Baseline.id)
        .where(BaselineItem.requirement_id == requirement_id)
        .order_by(Baseline.id.desc())
    )
    return list(session.scalars(stmt))


def latest_approved_baseline(session: Session, project_id: int) -> Baseline | None:
    """The project's most recently signed baseline, if any."""
    stmt = (
        select(Baseline)
        .where(Baseline.project_id == project_id, Baseline.status == BaselineStatus.APPROVED)
        .order_by(Baseline.signed_at.desc(), Baseline.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def baseline_snapshot(session: Session, baseline_id: int) -> list[SnapshotItem]:
    """The requirements as the baseline holds them, sorted by requirement id."""
    get_baseline(session, baseline_id)
    rows = session.execute(
        select(BaselineItem.requirement_id, BaselineItem.fields, BaselineItem.links)
        .where(BaselineItem.baseline_id == baseline_id)
        .order_by(BaselineItem.requirement_id)
    )
    return [SnapshotItem(rid, fields or {}, links or []) for rid, fields, links in rows]


def get_baseline(session: Session, baseline_id: int) -> Baseline:
    baseline = session.get(Baseline, baseline_id)
    if baseline is None:
        raise NotFound(f"Baseline {baseline_id} does not exist")
    return baseline


# --- lists ---------------------------------------------------------------------------------

SORTABLE = {
    "id": Baseline.id,
    "name": Baseline.name,
    "status": Baseline.status,
    "created_at": Baseline.created_at,
    "signed_at": Baseline.signed_at,
    "item_count": Baseline.item_count,
}


def list_baselines(
    session: Session,
    params: ListParams,
    *,
    project_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
) -> tuple[list[Baseline], int]:
    stmt: Select[Any] = select(Baseline)
    if project_id is not None:
        stmt = stmt.where(Baseline.project_id == project_id)
    if status:
        stmt = stmt.where(Baseline.status == status)
    if q:
        stmt = stmt.where(Baseline.name.ilike(f"%{q}%"))
    return paginate(session, stmt, params, SORTABLE, "-id", Baseline.id)


def items_page(
    session: Session, baseline_id: int, params: ListParams
) -> tuple[list[BaselineItem], int]:
    stmt: Select[Any] = select(BaselineItem).where(BaselineItem.baseline_id == baseline_id)
    sortable = {"requirement_id": BaselineItem.requirement_id}
    return paginate(session, stmt, params, sortable, "requirement_id", BaselineItem.id)


def usernames(session: Session, user_ids: Sequence[int | None]) -> dict[int, str]:
    wanted = {uid for uid in user_ids if uid is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(wanted)))
    return {uid: name for uid, name in rows}


# --- what the pages show ---------------------------------------------------------------------


def approvers(session: Session) -> list[str]:
    """Usernames of active users whose roles let them approve baselines."""
    roles = [
        str(role)
        for role, granted in ROLE_PERMISSIONS.items()
        if "*" in granted or BASELINES_WRITE in granted
    ]
    stmt = (
        select(User.username)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.is_active.is_(True), UserRole.role.in_(roles))
        .distinct()
        .order_by(User.username)
    )
    return list(session.scalars(stmt))


def project_choices(session: Session) -> list[dict[str, Any]]:
    return [{"id": p.id, "name": p.name} for p in planning.projects_by_name(session)]


def release_choices(session: Session) -> list[dict[str, Any]]:
    rows = planning.releases_by_project_name(session)
    return [{"id": r.id, "name": f"{r.project_name} · {r.name}"} for r in rows]


def _project_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    return planning.project_names(session, {i for i in ids if i is not None})


def _release_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    return planning.release_names(session, {i for i in ids if i is not None})


def list_rows(session: Session, baselines: list[Baseline]) -> list[dict[str, Any]]:
    """Each baseline with the names of its approver, creator, project and release."""
    users = usernames(session, [uid for b in baselines for uid in (b.created_by_id, b.approver_id)])
    projects = _project_names(session, {b.project_id for b in baselines})
    releases = _release_names(session, {b.release_id for b in baselines})
    return [
        {
            "baseline": b,
            "approver": users.get(b.approver_id, "—"),
            "created_by": users.get(b.created_by_id, "—") if b.created_by_id else "—",
            "project": projects.get(b.project_id) if b.project_id else None,
            "release": releases.get(b.release_id) if b.release_id else None,
        }
        for b in baselines
    ]


def comparable_baselines(session: Session, baseline_id: int) -> Sequence[Row[int, str]]:
    """The other baselines (not discarded) one can compare this one with, newest first."""
    stmt = (
        select(Baseline.id, Baseline.name)
        .where(Baseline.id != baseline_id, Baseline.status != BaselineStatus.DISCARDED)
        .order_by(Baseline.id.desc())
        .limit(200)
    )
    return session.execute(stmt).all()


def baseline_choices(session: Session) -> list[tuple[int, str, str]]:
    """Every baseline as (id, name, status), newest first, for pickers on other pages."""
    stmt = select(Baseline.id, Baseline.name, Baseline.status).order_by(Baseline.id.desc())
    return [(row.id, row.name, row.status) for row in session.execute(stmt)]


# --- snapshots -------------------------------------------------------------------------------


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def capture(session: Session, requirement_ids: Iterable[int]) -> list[SnapshotItem]:
    """The requirements with these ids (those that exist), sorted by id, with their links."""
    ids = sorted(set(requirement_ids))
    columns = [Requirement.__table__.c[name] for name in COLUMNS]
    fields: dict[int, dict[str, Any]] = {}
    links: dict[int, list[dict[str, Any]]] = {}
    for chunk in _chunks(ids):
        for row in session.execute(select(*columns).where(Requirement.id.in_(chunk))).mappings():
            fields[row["id"]] = {name: json_safe(row[name]) for name in COLUMNS}
            links[row["id"]] = []
        stmt = select(
            TraceLink.source_type,
            TraceLink.source_id,
            TraceLink.target_type,
            TraceLink.target_id,
            TraceLink.link_type,
            TraceLink.state,
        ).where(
            or_(
                and_(TraceLink.source_type == REQUIREMENT, TraceLink.source_id.in_(chunk)),
                and_(TraceLink.target_type == REQUIREMENT, TraceLink.target_id.in_(chunk)),
            )
        )
        for s_type, s_id, t_type, t_id, link_type, state in session.execute(stmt):
            if s_type == REQUIREMENT and s_id in links:
                links[s_id].append(
                    {
                        "direction": "out",
                        "link_type": link_type,
                        "type": t_type,
                        "id": t_id,
                        "state": state,
                    }
                )
            if t_type == REQUIREMENT and t_id in links:
                links[t_id].append(
                    {
                        "direction": "in",
                        "link_type": link_type,
                        "type": s_type,
                        "id": s_id,
                        "state": state,
                    }
                )
    return [
        SnapshotItem(rid, fields[rid], sorted(links[rid], key=link_key))
        for rid in ids
        if rid in fields
    ]
