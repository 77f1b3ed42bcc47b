"""Every change of the scorecard levels, and the levels in force (Bronze/Silver/Gold by default)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import Conflict, NotFound, check_version
from tmse.core.permissions import STANDARDS_WRITE
from tmse.standards.scorecards import rollup
from tmse.standards.scorecards.models import Campaign, ScorecardLevel
from tmse.standards.scorecards.schemas import LevelCreate, LevelUpdate

DEFAULT_LEVELS = (
    rollup.LevelDef("bronze", "Bronze", 1, "#b08d57"),
    rollup.LevelDef("silver", "Silver", 2, "#8a9ba8"),
    rollup.LevelDef("gold", "Gold", 3, "#d4a017"),
)
LEVEL_FIELDS = ("key", "name", "rank", "color")


def stored_levels(session: Session) -> list[ScorecardLevel]:
    return list(session.scalars(select(ScorecardLevel).order_by(ScorecardLevel.rank)))


def level_defs(session: Session) -> list[rollup.LevelDef]:
    """The configured levels, lowest first; Bronze/Silver/Gold until someone stores levels."""
    stored = stored_levels(session)
    if not stored:
        return list(DEFAULT_LEVELS)
    return [rollup.LevelDef(lv.key, lv.name, lv.rank, lv.color) for lv in stored]


def ensure_levels(session: Session, actor: Actor) -> list[ScorecardLevel]:
    """Store the default levels on first use (the first write touching levels)."""
    stored = stored_levels(session)
    if stored:
        return stored
    for default in DEFAULT_LEVELS:
        level = ScorecardLevel(
            key=default.key, name=default.name, rank=default.rank, color=default.color
        )
        session.add(level)
        session.flush()
        audit.record(session, actor, "create", "scorecard-level", level.key, None, _level(level))
    return stored_levels(session)


def _level(level: ScorecardLevel) -> dict[str, Any]:
    return {f: getattr(level, f) for f in LEVEL_FIELDS}


def get_level(session: Session, key: str) -> ScorecardLevel:
    level = session.scalar(select(ScorecardLevel).where(ScorecardLevel.key == key))
    if level is None:
        raise NotFound(f"Scorecard level '{key}' does not exist")
    return level


def _check_rank_free(session: Session, rank: int, key: str | None = None) -> None:
    holder = session.scalar(select(ScorecardLevel.key).where(ScorecardLevel.rank == rank))
    if holder is not None and holder != key:
        raise Conflict(f"Level '{holder}' already has rank {rank}", field="rank")


def create_level(session: Session, actor: Actor, data: LevelCreate) -> ScorecardLevel:
    ensure_levels(session, actor)
    if session.scalar(select(ScorecardLevel.id).where(ScorecardLevel.key == data.key)):
        raise Conflict(f"A level with key '{data.key}' already exists", field="key")
    _check_rank_free(session, data.rank)
    level = ScorecardLevel(**data.model_dump())
    session.add(level)
    session.flush()
    audit.record(session, actor, "create", "scorecard-level", level.key, None, _level(level))
    return level


def update_level(session: Session, actor: Actor, key: str, data: LevelUpdate) -> ScorecardLevel:
    ensure_levels(session, actor)
    level = get_level(session, key)
    check_version("Scorecard level", level.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if changes.get("rank") is not None:
        _check_rank_free(session, changes["rank"], key)
    before = _level(level)
    for field, value in changes.items():
        if value is not None:
            setattr(level, field, value)
    session.flush()
    audit.record(session, actor, "update", "scorecard-level", key, before, _level(level))
    return level


def delete_level(session: Session, actor: Actor, key: str, version: int | None = None) -> None:
    """Remove a level no open campaign targets; the last level cannot go."""
    ensure_levels(session, actor)
    level = get_level(session, key)
    if version is not None:
        check_version("Scorecard level", level.version, version)
    targeted = session.scalar(
        select(Campaign.name).where(Campaign.target_level == key, Campaign.closed.is_(False))
    )
    if targeted is not None:
        raise Conflict(
            f"Campaign '{targeted}' targets level '{key}'", field="key", campaign=targeted
        )
    if session.scalar(select(func.count(ScorecardLevel.id))) == 1:
        raise Conflict("The last level cannot be deleted", field="key")
    before = _level(level)
    session.delete(level)
    session.flush()
    audit.record(session, actor, "delete", "scorecard-level", key, before, None)


# What the levels page may offer.
CREATE, EDIT, DELETE = "create", "edit", "delete"


def allowed_actions(session: Session, actor: Actor) -> frozenset[str]:
    """What the actor may do to the levels now: add and edit them, and delete one unless it is
    the last."""
    if not actor.can(STANDARDS_WRITE):
        return frozenset()
    if len(level_defs(session)) > 1:
        return frozenset({CREATE, EDIT, DELETE})
    return frozenset({CREATE, EDIT})
