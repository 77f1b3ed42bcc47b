"""Pydantic answers of the Backstage import route."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ImportResult(BaseModel):
    created: dict[str, int] = Field(description="Records created, by kind (and 'dependency').")
    updated: dict[str, int] = Field(description="Records changed by the import, by kind.")
    unchanged: dict[str, int] = Field(description="Records found already as described, by kind.")
    skipped: list[str] = Field(description="Entities of kinds tmse does not map (User, ...).")
    errors: list[dict[str, Any]] = Field(description="Always empty here; errors give a 422.")
