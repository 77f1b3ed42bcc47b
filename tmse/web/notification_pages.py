"""HTML of notifications: the page listing mine, the bell in the top bar, and the read forms."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound
from tmse.core.local_url import local_path
from tmse.core.notifications import service
from tmse.core.notifications.labels import kind_label
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import PROFILE_WRITE, READ
from tmse.core.routing import Router
from tmse.web.forms import not_found_page
from tmse.web.labels import N_
from tmse.web.page_context import filter_url
from tmse.web.templating import render

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
# Marking one's own notifications read is personal state, like one's profile.
Owner = Annotated[Actor, Depends(require(PROFILE_WRITE))]
Paging = Annotated[ListParams, Depends(list_params)]


@router.get("/notifications")
def notifications_page(
    request: Request, session: DbSession, actor: Reader, paging: Paging, unread: str = ""
) -> Response:
    only_unread = unread in ("1", "true")
    rows, total = service.list_mine(
        session, actor, ListParams(limit=paging.limit, offset=paging.offset), unread=only_unread
    )
    return render(
        request,
        "web/notifications.html",
        {
            "active": "notifications",
            "page": {"items": rows, "total": total, "limit": paging.limit, "offset": paging.offset},
            "unread_total": service.unread_count(session, actor.user_id),
            "only_unread": only_unread,
            "base_url": filter_url("/notifications", unread="1" if only_unread else ""),
            "kind_label": kind_label,
        },
    )


@router.get("/notifications/bell")
def bell(request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    """The fragment the top bar loads: a bell linking to the page, with the unread count."""
    count = service.unread_count(session, actor.user_id)
    return render(request, "web/notification_bell.html", {"unread": count})


@router.post("/notifications/read-all")
def read_all(session: DbSession, actor: Owner) -> Response:
    service.mark_all_read(session, actor)
    return RedirectResponse("/notifications", status_code=303)


@router.post("/notifications/{notification_id}/read")
def read_one(request: Request, session: DbSession, actor: Owner, notification_id: int) -> Response:
    """Mark one read and go where it points (the form's `open`), or back to the list."""
    try:
        found = service.mark_read(session, actor, notification_id)
    except NotFound:
        return not_found_page(request, N_("This notification does not exist."))
    return RedirectResponse(local_path(found.url, "/notifications"), status_code=303)
