"""Response models of the notification API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class NotificationOut(BaseModel):
    id: int
    kind: str
    title: str = Field(description="Rendered in the user's language (else the server default).")
    title_message: dict[str, Any] = Field(description="The stored message: id and params.")
    url: str
    body: str = Field(description="Rendered like the title; empty when there is none.")
    body_message: dict[str, Any] | None = None
    created_at: dt.datetime
    read_at: dt.datetime | None
    read: bool


class ReadAllOut(BaseModel):
    marked: int
    unread: int


class UnreadCount(BaseModel):
    unread: int
