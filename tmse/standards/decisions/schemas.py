"""Request and response models of the decision-record API."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from tmse.core.input_types import IsoDate, PatchModel, Text, Version, line, text


class DecisionStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DEPRECATED = "deprecated"
    SUPERSEDED = "superseded"


class DecisionCreate(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    status: DecisionStatus = DecisionStatus.PROPOSED
    date: IsoDate | None = None
    context: Text = ""
    decision: Text = ""
    consequences: Text = ""


class DecisionUpdate(PatchModel):
    version: Version
    title: str | None = Field(default=None, min_length=1, max_length=300)
    status: DecisionStatus | None = None
    context: Text | None = None
    decision: Text | None = None
    consequences: Text | None = None


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


class AdrExport(BaseModel):
    files: dict[str, str] = Field(description="File name → Markdown, as in adr-tools' doc/adr.")


class AdrFiles(BaseModel):
    files: dict[Annotated[str, line(400)], Annotated[str, text(200_000)]] = Field(
        max_length=1000, description="File name → Markdown, as in adr-tools' doc/adr."
    )


class AdrImportResult(BaseModel):
    created: int
    updated: int
