"""Request and response models of the decision-record API."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class DecisionStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DEPRECATED = "deprecated"
    SUPERSEDED = "superseded"


class DecisionCreate(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    status: DecisionStatus = DecisionStatus.PROPOSED
    date: dt.date | None = None
    context: str = ""
    decision: str = ""
    consequences: str = ""


class DecisionUpdate(BaseModel):
    version: int = Field(description="The version you read; a stale one gets 409.")
    title: str | None = Field(default=None, min_length=1, max_length=300)
    status: DecisionStatus | None = None
    context: str | None = None
    decision: str | None = None
    consequences: str | None = None


class DecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: int
    title: str
    status: str
    date: dt.date | None
    context: str
    decision: str
    consequences: str
    links: list[list[str | int]]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class AdrFiles(BaseModel):
    files: dict[str, str] = Field(description="File name → Markdown, as in adr-tools' doc/adr.")


class AdrImportResult(BaseModel):
    created: int
    updated: int
