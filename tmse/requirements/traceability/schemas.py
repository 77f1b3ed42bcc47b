"""Response models of the traceability matrix."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tmse.core.pagination import Page


class LevelOut(BaseModel):
    key: str = Field(description="The level's name: goal, objective, initiative, requirement, …")
    type: str = Field(description="The linkable type of its items.")
    label: str
    count: int = Field(description="Items at this level.")
    covered: int = Field(description="Items with at least one link to the next level.")
    coverage: float | None = Field(
        description="covered / count in percent, one decimal; null at the bottom or when empty."
    )
    orphans: int | None = Field(
        description="Items no item of the level above links to; null at the top."
    )
    suspect: int = Field(description="Suspect links leaving this level's items.")


class CellOut(BaseModel):
    id: int
    label: str
    state: str | None = Field(
        description="State of the link into this cell along the row; null where the row starts."
    )
    via: int | None = Field(
        None, description="The item of the same level this one is derived from (requirements)."
    )


class PullRequestRefOut(BaseModel):
    ref: str = Field(description="The repository's full name and the number: owner/repo#12.")
    url: str | None
    state: str = Field(description="open, closed or merged.")


class DeliveryOut(BaseModel):
    pull_requests: list[PullRequestRefOut] = Field(
        description="Pull requests naming the row's requirement (REQ-<id> or its outside key)."
    )
    deployments: int = Field(
        description="Successful production deployments that carried their merge commits."
    )
    in_production_since: str | None = Field(
        description="The UTC day of the first of those deployments; null if none."
    )


class RowOut(BaseModel):
    starts_at: str = Field(description="Level of the first filled cell; below the top: an orphan.")
    cells: list[CellOut | None] = Field(description="One per level; null where the chain stops.")
    delivery: DeliveryOut | None = Field(
        None, description="The delivery of the row's requirement; null where it has none."
    )


class MatrixOut(BaseModel):
    goal: int | None
    baseline: int | None
    levels: list[LevelOut]
    rows: Page[RowOut]
