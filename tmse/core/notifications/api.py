"""JSON routes of the signed-in user's notifications under /api/v1/notifications."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Id
from tmse.core.notifications import service
from tmse.core.notifications.models import Notification
from tmse.core.notifications.schemas import NotificationOut, ReadAllOut, UnreadCount
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import PROFILE_WRITE, READ

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])
Reader = Annotated[Actor, Depends(require(READ))]
# Marking one's own notifications read is personal state, like one's profile.
Owner = Annotated[Actor, Depends(require(PROFILE_WRITE))]


def notification_out(row: Notification) -> NotificationOut:
    return NotificationOut(
        id=row.id,
        kind=row.kind,
        title=row.title,
        url=row.url,
        body=row.body,
        created_at=row.created_at,
        read_at=row.read_at,
        read=row.read_at is not None,
    )


@router.get("", response_model=Page[NotificationOut])
def list_notifications(
    session: DbSession,
    actor: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("created_at", "id"))],
    unread: bool = Query(False, description="Only the unread ones."),
) -> Page[NotificationOut]:
    """My notifications, newest first."""
    rows, total = service.list_mine(session, actor, paging, unread=unread)
    items = [notification_out(r) for r in rows]
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/unread-count", response_model=UnreadCount)
def unread_count(session: DbSession, actor: Reader) -> UnreadCount:
    return UnreadCount(unread=service.unread_count(session, actor.user_id))


@router.post("/read-all", response_model=ReadAllOut)
def read_all(session: DbSession, actor: Owner) -> ReadAllOut:
    marked = service.mark_all_read(session, actor)
    return ReadAllOut(marked=marked, unread=service.unread_count(session, actor.user_id))


@router.post("/{notification_id}/read", response_model=NotificationOut)
def read_one(notification_id: Id, session: DbSession, actor: Owner) -> NotificationOut:
    return notification_out(service.mark_read(session, actor, notification_id))
