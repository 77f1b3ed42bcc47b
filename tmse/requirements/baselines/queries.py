"""Read models of baselines for other domains (delivery's gates): plain rows, no tables."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.requirements.baselines.models import Baseline, BaselineStatus


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
