"""Read models of the systems page."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.catalog.models import Service, System


def service_counts(session: Session, system_ids: list[int]) -> dict[int, int]:
    """How many services each of `system_ids` holds (systems without any are left out)."""
    rows = session.execute(
        select(Service.system_id, func.count())
        .where(Service.system_id.in_(system_ids))
        .group_by(Service.system_id)
    )
    return {system_id: count for system_id, count in rows if system_id is not None}


def system_names(session: Session) -> list[str]:
    """Every system's name, in order."""
    return list(session.scalars(select(System.name).order_by(System.name)))


def system_exists(session: Session, name: str) -> bool:
    return session.scalar(select(System.id).where(System.name == name)) is not None
