"""Pydantic models of the hook sources API and of what a hook answers a tool."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tmse.core.input_types import line

SourceKind = Literal["github", "gitlab", "jenkins", "harbor", "sonarqube"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("github", "gitlab", "jenkins", "harbor", "sonarqube")
Outcome = Literal["stored", "unchanged", "ignored", "refused"]
# Part of the URL the tool is given: lower-case letters, digits, '-' and '_'.
SourceName = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
# A secret chosen by hand must be as hard to guess as a generated one is.
Secret = Annotated[str, line(200, min_length=16)]


class SourceCreate(BaseModel):
    """A source to accept deliveries from; the secret is generated unless given."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: SourceKind
    name: SourceName
    secret: Secret | None = None
    enabled: bool = True


class SecretGiven(BaseModel):
    """A rotation: the new secret, generated unless given."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    secret: Secret | None = None


class DeliveryOut(BaseModel):
    """One delivery received and what became of it; `message` in the reader's language."""

    id: int
    event: str | None
    delivery_id: str | None
    received_at: dt.datetime
    outcome: Outcome
    status_code: int
    message: str
    message_id: str | None
    params: dict[str, Any]
    created: int
    updated: int


class SourceOut(BaseModel):
    """A configured source: the URL to give the tool, and its last delivery. Never its secret."""

    id: int
    kind: SourceKind
    name: str
    url: str
    enabled: bool
    created_at: dt.datetime
    rotated_at: dt.datetime
    last_delivery: DeliveryOut | None


class SourceWithSecret(SourceOut):
    """A source as created or rotated: the secret is shown this once, and never again."""

    secret: str


class Receipt(BaseModel):
    """What a hook did with a delivery: `stored`, `unchanged` (a redelivery), `ignored` (an
    event tmse does not read) or `refused`."""

    outcome: Outcome
    delivery: int
    event: str | None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
