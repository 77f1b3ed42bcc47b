"""Response models of the notification API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class NotificationOut(BaseModel):
    id: int
    kind: str
    title: str
    url: str
    body: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    read: bool


class ReadAllOut(BaseModel):
    marked: int
    unread: int


class UnreadCount(BaseModel):
    unread: int
