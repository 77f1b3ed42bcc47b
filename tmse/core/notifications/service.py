"""Send, list and mark notifications; sending is a side effect of an audited action."""

# Title and body are messages, rendered in the reader's language; marking read is audited.

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import NotFound
from tmse.core.messages import Message
from tmse.core.notifications.models import Notification
from tmse.core.pagination import ListParams, paginate


def notify(
    session: Session,
    user_ids: Iterable[int | None],
    kind: str,
    title: Message,
    url: str,
    body: Message | None = None,
) -> int:
    """One notification per distinct user (None ids are skipped); returns how many were sent."""
    recipients = sorted({uid for uid in user_ids if uid is not None})
    if not recipients:
        return 0
    now = utcnow()
    rows = [
        {
            "user_id": uid,
            "kind": kind,
            "title": title,
            "url": url,
            "body": body,
            "created_at": now,
        }
        for uid in recipients
    ]
    session.execute(insert(Notification), rows)
    return len(rows)


def unread_count(session: Session, user_id: int | None) -> int:
    if user_id is None:
        return 0
    stmt = select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    return session.scalar(stmt) or 0


def _mine(user_id: int | None, unread: bool) -> Select[Notification]:
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt


def list_mine(
    session: Session, actor: Actor, params: ListParams, unread: bool = False
) -> tuple[list[Notification], int]:
    sortable = {"created_at": Notification.created_at, "id": Notification.id}
    return paginate(
        session, _mine(actor.user_id, unread), params, sortable, "-created_at", Notification.id
    )


def mark_read(session: Session, actor: Actor, notification_id: int) -> Notification:
    found = session.get(Notification, notification_id)
    if found is None or found.user_id != actor.user_id:
        raise NotFound(f"Notification {notification_id} does not exist")
    if found.read_at is None:
        found.read_at = utcnow()
        session.flush()
        audit.record(session, actor, "read", "notification", found.id, changes={"read": True})
    return found


def mark_all_read(session: Session, actor: Actor) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        audit.record(
            session, actor, "read-all", "notification", actor.user_id, changes={"count": count}
        )
    return count
