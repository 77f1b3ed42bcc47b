"""Answers of the duplicate check: pairs of likely duplicates with the matching evidence."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DuplicateSignalOut(BaseModel):
    score: float
    matches: list[str]


class DuplicatePairOut(BaseModel):
    kind: str = Field(description="What both are: service or api.")
    first: str
    second: str
    score: float
    owners: list[str | None]
    evidence: dict[str, DuplicateSignalOut]
