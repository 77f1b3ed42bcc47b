"""JSON routes of scorecards: levels, the list, one service, trend, snapshots, heat map,
campaigns."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response, status

from tmse.catalog.queries import Layer
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Id, Reference, Version
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import READ, STANDARDS_WRITE
from tmse.core.routing import Router
from tmse.standards.scorecards import service
from tmse.standards.scorecards.campaigns import service as campaigns
from tmse.standards.scorecards.detail import scorecard_detail
from tmse.standards.scorecards.levels import service as levels
from tmse.standards.scorecards.schemas import (
    CampaignCreate,
    CampaignOut,
    CampaignProgress,
    CampaignSummary,
    CampaignUpdate,
    HeatCell,
    HeatMapOut,
    LevelCreate,
    LevelOut,
    LevelUpdate,
    ScorecardDetail,
    ScorecardRow,
    SnapshotResult,
    Trend,
    TrendPoint,
)

router = Router(prefix="/api/v1/scorecards", tags=["scorecards"])
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(STANDARDS_WRITE))]


@router.get("", response_model=Page[ScorecardRow])
def list_scorecards(
    session: DbSession,
    _: Reader,
    paging: Annotated[
        ListParams, Depends(sorted_by("change", "level", "owner", "score", "service"))
    ],
    team: str | None = Query(None, max_length=200, description="Owning team name."),
    system: str | None = Query(None, max_length=200, description="System name."),
    layer: Layer | None = None,
    level: str | None = Query(
        None, max_length=200, description="Level key held; 'none' for no level."
    ),
) -> Page[ScorecardRow]:
    rows, total = service.list_scorecards(session, paging, team, system, layer, level)
    items = [ScorecardRow.model_validate(row._mapping) for row in rows]
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/levels", response_model=list[LevelOut])
def list_levels(session: DbSession, _: Reader) -> list[LevelOut]:
    stored = levels.stored_levels(session)
    if stored:
        return [LevelOut.model_validate(lv) for lv in stored]
    # Not stored until the first write: the defaults, at the version a first edit must send.
    return [
        LevelOut(id=0, key=lv.key, name=lv.name, rank=lv.rank, color=lv.color, version=1)
        for lv in levels.DEFAULT_LEVELS
    ]


@router.post("/levels", response_model=LevelOut, status_code=status.HTTP_201_CREATED)
def create_level(data: LevelCreate, session: DbSession, actor: Writer) -> LevelOut:
    return LevelOut.model_validate(levels.create_level(session, actor, data))


@router.patch("/levels/{key}", response_model=LevelOut)
def update_level(key: Reference, data: LevelUpdate, session: DbSession, actor: Writer) -> LevelOut:
    return LevelOut.model_validate(levels.update_level(session, actor, key, data))


@router.delete("/levels/{key}", status_code=status.HTTP_204_NO_CONTENT)
def delete_level(
    key: Reference, session: DbSession, actor: Writer, version: Version | None = None
) -> Response:
    levels.delete_level(session, actor, key, version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/snapshots", response_model=SnapshotResult)
def take_snapshots(session: DbSession, actor: Writer) -> SnapshotResult:
    """Score every service now and store today's snapshot; again the same day replaces it."""
    return service.take_snapshots(session, actor)


@router.get("/heatmap", response_model=HeatMapOut)
def heat_map(
    session: DbSession,
    _: Reader,
    by: str = Query("team", max_length=20, description="Rows: team, system or layer."),
) -> HeatMapOut:
    day, grid = service.organisation_heat_map(session, by)
    cells = [
        HeatCell(
            row=c.row,
            standard=c.standard,
            passed=c.passed,
            total=c.total,
            services=c.services,
            rate=c.rate,
        )
        for c in grid.cells
    ]
    return HeatMapOut(by=by, taken_on=day, rows=grid.rows, standards=grid.standards, cells=cells)


@router.get("/campaigns", response_model=Page[CampaignSummary])
def list_campaigns(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("due_on", "id", "name"))],
    include_closed: bool = False,
) -> Page[CampaignSummary]:
    items, total = campaigns.list_campaigns(session, paging, include_closed)
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.post("/campaigns", response_model=CampaignOut, status_code=status.HTTP_201_CREATED)
def create_campaign(data: CampaignCreate, session: DbSession, actor: Writer) -> CampaignOut:
    campaign = campaigns.create_campaign(session, actor, data)
    return campaigns.campaign_out(session, campaign)


@router.get("/campaigns/{campaign_id}", response_model=CampaignProgress)
def get_campaign(campaign_id: Id, session: DbSession, _: Reader) -> CampaignProgress:
    return campaigns.campaign_progress(session, campaigns.get_campaign(session, campaign_id))


@router.patch("/campaigns/{campaign_id}", response_model=CampaignOut)
def update_campaign(
    campaign_id: Id, data: CampaignUpdate, session: DbSession, actor: Writer
) -> CampaignOut:
    campaign = campaigns.update_campaign(session, actor, campaign_id, data)
    return campaigns.campaign_out(session, campaign)


@router.delete("/campaigns/{campaign_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_campaign(
    campaign_id: Id, session: DbSession, actor: Writer, version: Version | None = None
) -> Response:
    campaigns.delete_campaign(session, actor, campaign_id, version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{service_name}", response_model=ScorecardDetail)
def get_scorecard(service_name: Reference, session: DbSession, _: Reader) -> ScorecardDetail:
    """Evaluated now: the rules grouped by level, and what blocks the next level."""
    return scorecard_detail(session, service_name)


@router.get("/{service_name}/trend", response_model=Trend)
def get_trend(
    service_name: Reference,
    session: DbSession,
    _: Reader,
    days: int = Query(90, ge=1, le=730, description="How many days back."),
) -> Trend:
    svc, _owner = service.service_named(session, service_name)
    snapshots = service.trend(session, svc.id, days)
    points = [TrendPoint.model_validate(s, from_attributes=True) for s in snapshots]
    return Trend(service=service_name, days=days, points=points)
