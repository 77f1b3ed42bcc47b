"""Campaigns: every change (audited, versioned) and where each stands; counts read the latest
snapshot, the rules blocking each lagging service are evaluated live."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_ids_in
from tmse.catalog.systems.queries import system_exists
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utctoday
from tmse.core.errors import Conflict, InvalidInput, NotFound, check_version
from tmse.core.identity.models import Team
from tmse.core.pagination import ListParams, paginate
from tmse.core.permissions import STANDARDS_WRITE
from tmse.standards.registry import evaluation
from tmse.standards.scorecards import rollup
from tmse.standards.scorecards.campaigns import progress
from tmse.standards.scorecards.detail import result_out
from tmse.standards.scorecards.levels.service import level_defs
from tmse.standards.scorecards.models import Campaign, ScoreSnapshot
from tmse.standards.scorecards.schemas import (
    CampaignCreate,
    CampaignOut,
    CampaignProgress,
    CampaignScope,
    CampaignSummary,
    CampaignUpdate,
    LaggingService,
    ProgressPoint,
)
from tmse.standards.scorecards.service import SERVICES, latest_day

FIELDS = ("name", "description", "target_level", "due_on", "scope", "owner_team_id", "closed")
# Lagging services whose blocking rules are evaluated on one page view.
LAGGING_SHOWN = 100


def _snapshot(campaign: Campaign) -> dict[str, Any]:
    return {f: getattr(campaign, f) for f in FIELDS}


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"Campaign {campaign_id} does not exist")
    return campaign


def _resolve(
    session: Session, target_level: str | None, scope: CampaignScope | None, owner: str | None
) -> int | None:
    """Check every name the request gives; one 422 lists each unknown one. Returns the owner id."""
    errors: list[dict[str, str]] = []
    if target_level is not None and target_level not in {lv.key for lv in level_defs(session)}:
        errors.append({"field": "target_level", "message": f"no level '{target_level}'"})
    if scope is not None:
        if scope.team and session.scalar(select(Team.id).where(Team.name == scope.team)) is None:
            errors.append({"field": "scope.team", "message": f"no team named '{scope.team}'"})
        if scope.system and not system_exists(session, scope.system):
            errors.append({"field": "scope.system", "message": f"no system named '{scope.system}'"})
    owner_id = None
    if owner:
        owner_id = session.scalar(select(Team.id).where(Team.name == owner))
        if owner_id is None:
            errors.append({"field": "owner", "message": f"no team named '{owner}'"})
    if errors:
        raise InvalidInput("Unknown reference", errors)
    return owner_id


def _check_name_free(session: Session, name: str, campaign_id: int | None = None) -> None:
    holder = session.scalar(select(Campaign.id).where(Campaign.name == name))
    if holder is not None and holder != campaign_id:
        raise Conflict(f"A campaign named '{name}' already exists", field="name")


def create_campaign(session: Session, actor: Actor, data: CampaignCreate) -> Campaign:
    owner_id = _resolve(session, data.target_level, data.scope, data.owner)
    _check_name_free(session, data.name)
    campaign = Campaign(
        name=data.name,
        description=data.description,
        target_level=data.target_level,
        due_on=data.due_on,
        scope=data.scope.model_dump(mode="json", exclude_none=True),
        owner_team_id=owner_id,
        closed=False,
    )
    session.add(campaign)
    session.flush()
    audit.record(session, actor, "create", "campaign", campaign.id, None, _snapshot(campaign))
    return campaign


def update_campaign(
    session: Session, actor: Actor, campaign_id: int, data: CampaignUpdate
) -> Campaign:
    campaign = get_campaign(session, campaign_id)
    check_version("Campaign", campaign.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    for required in ("name", "target_level", "due_on", "closed"):
        if required in changes and changes[required] is None:
            raise InvalidInput("Missing value", [{"field": required, "message": "may not be null"}])
    owner_id = _resolve(session, data.target_level, data.scope, data.owner)
    if data.name is not None:
        _check_name_free(session, data.name, campaign_id)
    before = _snapshot(campaign)
    if "scope" in changes:
        scope = data.scope or CampaignScope()
        changes["scope"] = scope.model_dump(mode="json", exclude_none=True)
    if "owner" in changes:
        changes["owner_team_id"] = owner_id
        del changes["owner"]
    for field, value in changes.items():
        setattr(campaign, field, value)
    session.flush()
    audit.record(session, actor, "update", "campaign", campaign.id, before, _snapshot(campaign))
    return campaign


def delete_campaign(
    session: Session, actor: Actor, campaign_id: int, version: int | None = None
) -> None:
    campaign = get_campaign(session, campaign_id)
    if version is not None:
        check_version("Campaign", campaign.version, version)
    before = _snapshot(campaign)
    session.delete(campaign)
    session.flush()
    audit.record(session, actor, "delete", "campaign", campaign_id, before, None)


# Where campaigns stand ----------------------------------------------------------------------


def scope_query(scope: dict[str, Any]) -> Select[Any]:
    """Ids of the catalog services a campaign covers."""
    return service_ids_in(
        scope.get("team") or None, scope.get("system") or None, scope.get("layer") or None
    )


def _keys_at_or_above(session: Session, target: str) -> list[str]:
    defs = level_defs(session)
    target_rank = rollup.rank_of(target, defs)
    return [lv.key for lv in defs if target_rank and lv.rank >= target_rank]


def _counts(session: Session, campaign: Campaign, day: dt.date | None) -> tuple[int, int]:
    """(services in scope, of which at the target level on `day`'s snapshot)."""
    in_scope = session.scalar(
        select(func.count()).select_from(scope_query(campaign.scope).subquery())
    )
    if day is None:
        return in_scope or 0, 0
    at_target = session.scalar(
        select(func.count(ScoreSnapshot.id)).where(
            ScoreSnapshot.taken_on == day,
            ScoreSnapshot.service_id.in_(scope_query(campaign.scope)),
            ScoreSnapshot.level.in_(_keys_at_or_above(session, campaign.target_level)),
        )
    )
    return in_scope or 0, at_target or 0


def campaign_out(session: Session, campaign: Campaign) -> CampaignOut:
    owner = session.get(Team, campaign.owner_team_id) if campaign.owner_team_id else None
    return CampaignOut(
        id=campaign.id,
        name=campaign.name,
        description=campaign.description,
        target_level=campaign.target_level,
        due_on=campaign.due_on,
        scope=CampaignScope.model_validate(campaign.scope or {}),
        owner=owner.name if owner else None,
        closed=campaign.closed,
        started_on=campaign.created_at.date(),
        version=campaign.version,
    )


def campaign_summary(
    session: Session, campaign: Campaign, day: dt.date | None, on: dt.date | None = None
) -> CampaignSummary:
    on = on or utctoday()
    in_scope, at_target = _counts(session, campaign, day)
    share = progress.share(at_target, in_scope)
    return CampaignSummary(
        **campaign_out(session, campaign).model_dump(),
        progress=share,
        in_scope=in_scope,
        at_target=at_target,
        days_left=progress.days_left(campaign.due_on, on),
        status=progress.campaign_status(share, campaign.created_at.date(), campaign.due_on, on),
    )


def list_campaigns(
    session: Session, params: ListParams, include_closed: bool = False
) -> tuple[list[CampaignSummary], int]:
    stmt = select(Campaign)
    if not include_closed:
        stmt = stmt.where(Campaign.closed.is_(False))
    sortable = {"name": Campaign.name, "due_on": Campaign.due_on, "id": Campaign.id}
    rows, total = paginate(session, stmt, params, sortable, "due_on", Campaign.id)
    day = latest_day(session)
    return [campaign_summary(session, c, day) for c in rows], total


def progress_series(session: Session, campaign: Campaign) -> list[ProgressPoint]:
    """Per snapshot day since the campaign started: services in scope and at the target."""
    since = min(campaign.created_at.date(), utctoday()) - dt.timedelta(days=7)
    keys = _keys_at_or_above(session, campaign.target_level)
    rows = session.execute(
        select(
            ScoreSnapshot.taken_on,
            func.count(ScoreSnapshot.id),
            func.sum(case((ScoreSnapshot.level.in_(keys), 1), else_=0)),
        )
        .where(
            ScoreSnapshot.taken_on >= since,
            ScoreSnapshot.service_id.in_(scope_query(campaign.scope)),
        )
        .group_by(ScoreSnapshot.taken_on)
        .order_by(ScoreSnapshot.taken_on)
    ).all()
    return [
        ProgressPoint(
            taken_on=day,
            at_target=int(done or 0),
            in_scope=int(count),
            progress=progress.share(int(done or 0), int(count)),
        )
        for day, count, done in rows
    ]


def campaign_progress(session: Session, campaign: Campaign, locale: str = "en") -> CampaignProgress:
    """The campaign's progress, lagging services (lowest level first) with the failing rules that
    keep each from the target (texts in `locale`, English for the JSON API), and its series."""
    day = latest_day(session)
    summary = campaign_summary(session, campaign, day)
    defs = level_defs(session)
    keys = set(_keys_at_or_above(session, campaign.target_level))
    services = SERVICES
    stmt = (
        select(
            services.c.id,
            services.c.name,
            services.c.owner,
            ScoreSnapshot.level,
            ScoreSnapshot.score,
        )
        .outerjoin(
            ScoreSnapshot,
            (ScoreSnapshot.service_id == services.c.id) & (ScoreSnapshot.taken_on == day),
        )
        .where(services.c.id.in_(scope_query(campaign.scope)))
    )
    behind = [row for row in session.execute(stmt) if row[3] not in keys]
    behind.sort(key=lambda r: (rollup.rank_of(r[3], defs), r[4] or 0.0, r[1]))
    shown = behind[:LAGGING_SHOWN]
    results = evaluation.evaluate_services(session, [r[0] for r in shown]) if shown else {}
    lagging = [
        LaggingService(
            service=name,
            owner=owner,
            level=level,
            score=score or 0.0,
            blocking=[
                result_out(r, locale)
                for r in rollup.blocking(results.get(sid, []), campaign.target_level, defs)
            ],
        )
        for sid, name, owner, level, score in shown
    ]
    return CampaignProgress(
        **summary.model_dump(),
        expected=progress.expected_share(campaign.created_at.date(), campaign.due_on, utctoday()),
        lagging=lagging,
        series=progress_series(session, campaign),
    )


# What a page may offer on the campaign list (no campaign) and on one campaign.
CREATE, EDIT, DELETE = "create", "edit", "delete"


def allowed_actions(actor: Actor, campaign: Campaign | None = None) -> frozenset[str]:
    """What the actor may do now: start a campaign, or edit and delete this one."""
    if not actor.can(STANDARDS_WRITE):
        return frozenset()
    return frozenset({CREATE}) if campaign is None else frozenset({EDIT, DELETE})
