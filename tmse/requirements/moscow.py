"""Must-have effort of releases and projects from the stored requirements; the balance itself
is computed in balance.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from tmse.core.version_memo import VersionMemo
from tmse.planning import queries as planning
from tmse.requirements.balance import DEFAULT_LIMIT_PCT, MustShare, must_share
from tmse.requirements.models import MoSCoW, Requirement

# Rejected and duplicate requirements are not planned work and count for nothing.

NOT_PLANNED = ("rejected", "duplicate")


def effort_limit(session: Session, project_id: int | None, release_id: int | None) -> int:
    """The release's limit, else its (or the given) project's, else 60."""
    limit = planning.must_effort_limit_pct(session, project_id, release_id)
    return DEFAULT_LIMIT_PCT if limit is None else limit


def must_effort_share(
    session: Session, project_id: int | None = None, release_id: int | None = None
) -> MustShare:
    """Must-have effort (person-days) against all effort of a release, a project, or everything."""

    effort = func.coalesce(Requirement.effort_days, 0)
    stmt = select(
        func.coalesce(func.sum(effort), 0),
        func.coalesce(func.sum(case((Requirement.moscow == MoSCoW.MUST, effort), else_=0)), 0),
    ).where(Requirement.status.not_in(NOT_PLANNED))
    if project_id is not None:
        stmt = stmt.where(Requirement.project_id == project_id)
    if release_id is not None:
        stmt = stmt.where(Requirement.release_id == release_id)
    total, must = session.execute(stmt).one()
    limit = effort_limit(session, project_id, release_id)
    return must_share(float(Decimal(str(total))), float(Decimal(str(must))), limit)


@dataclass(frozen=True)
class ReleaseShare:
    release_id: int
    name: str
    share: MustShare


_over_limit: VersionMemo[list[ReleaseShare]] = VersionMemo(slots=8)


def releases_over_limit(session: Session, project_id: int | None = None) -> list[ReleaseShare]:
    """Every release whose Must-have effort is over its limit, in one grouped query over every
    requirement; kept until the next write, as the backlog shows it on every page."""
    return _over_limit.get(session, lambda: _releases_over_limit(session, project_id), project_id)


def _releases_over_limit(session: Session, project_id: int | None) -> list[ReleaseShare]:
    # Effort summed per release here, limits read from planning: two queries, no join across
    # the two domains' tables.
    limits = planning.release_limits(session, project_id)
    if not limits:
        return []
    effort = func.coalesce(Requirement.effort_days, 0)
    stmt = (
        select(
            Requirement.release_id,
            func.sum(effort),
            func.sum(case((Requirement.moscow == MoSCoW.MUST, effort), else_=0)),
        )
        .where(Requirement.release_id.is_not(None), Requirement.status.not_in(NOT_PLANNED))
        .group_by(Requirement.release_id)
        .order_by(Requirement.release_id)
    )
    if project_id is not None:
        stmt = stmt.where(Requirement.release_id.in_(list(limits)))
    over = []
    for release_id, total, must in session.execute(stmt):
        release = limits.get(release_id)
        if release is None:
            continue
        limit = int(release.limit_pct or DEFAULT_LIMIT_PCT)
        share = must_share(float(total or 0), float(must or 0), limit)
        if share.over_limit:
            over.append(ReleaseShare(release_id, release.name, share))
    return over
