"""JSON routes of the signed-in user's notifications under /api/v1/notifications."""

# `title` and `body` are rendered in the user's chosen language (else the server default);
# `title_message` and `body_message` carry the stored message ids and parameters.

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, reader_locale, require
from tmse.core.input_types import Id
from tmse.core.messages import render
from tmse.core.notifications import service
from tmse.core.notifications.models import Notification
from tmse.core.notifications.schemas import NotificationOut, ReadAllOut, UnreadCount
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import PROFILE_WRITE, READ
from tmse.core.responses import json_response
from tmse.core.routing import Router

router = Router(prefix="/api/v1/notifications", tags=["notifications"])
Reader = Annotated[Actor, Depends(require(READ))]
# Marking one's own notifications read is personal state, like one's profile.
Owner = Annotated[Actor, Depends(require(PROFILE_WRITE))]


def notification_out(row: Notification, locale: str) -> NotificationOut:
    return NotificationOut(
        id=row.id,
        kind=row.kind,
        title=render(row.title, locale),
        title_message=row.title.to_json(),
        url=row.url,
        body=render(row.body, locale),
        body_message=row.body.to_json() if row.body else None,
        created_at=row.created_at,
        read_at=row.read_at,
        read=row.read_at is not None,
    )


@router.get("", response_model=Page[NotificationOut])
def list_notifications(
    request: Request,
    session: DbSession,
    actor: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("created_at", "id"))],
    unread: bool = Query(False, description="Only the unread ones."),
) -> Response:
    """My notifications, newest first."""
    rows, total = service.list_mine(session, actor, paging, unread=unread)
    locale = reader_locale(request, actor)
    items = [notification_out(r, locale) for r in rows]
    return json_response(
        Page(items=items, total=total, limit=paging.limit, offset=paging.offset),
        Page[NotificationOut],
    )


@router.get("/unread-count", response_model=UnreadCount)
def unread_count(session: DbSession, actor: Reader) -> Response:
    return json_response(
        UnreadCount(unread=service.unread_count(session, actor.user_id)), UnreadCount
    )


@router.post("/read-all", response_model=ReadAllOut)
def read_all(session: DbSession, actor: Owner) -> ReadAllOut:
    marked = service.mark_all_read(session, actor)
    return ReadAllOut(marked=marked, unread=service.unread_count(session, actor.user_id))


@router.post("/{notification_id}/read", response_model=NotificationOut)
def read_one(
    request: Request, notification_id: Id, session: DbSession, actor: Owner
) -> NotificationOut:
    found = service.mark_read(session, actor, notification_id)
    return notification_out(found, reader_locale(request, actor))
