"""Request and response models for the layer rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from tmse.catalog.models import Layer
from tmse.core.input_types import Version, line


class LayerRulesIn(BaseModel):
    order: list[Annotated[str, line(20)]] = Field(
        max_length=10, description="The five layers, top first."
    )
    allow: list[list[Annotated[str, line(20)]]] = Field(
        default_factory=list,
        max_length=50,
        description="[[source layer, target layer], ...] allowed anyway.",
    )
    allow_skip_down: bool = False
    version: Version = Field(description="The version you read (0 while the defaults apply).")


class LayerRulesOut(BaseModel):
    order: list[Layer]
    allow: list[list[Layer]]
    allow_skip_down: bool
    version: int = Field(description="0 while no rules are stored and the defaults apply.")
    stored: bool
    updated_at: dt.datetime | None
