"""HTML pages of change control and their form posts: the change board, a change request's page,
and proposing, editing, submitting, withdrawing and deciding a change request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput, NotFound, Problem, StaleVersion
from tmse.core.messages import N_
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import CHANGES_DECIDE, CHANGES_REQUEST, READ
from tmse.core.routing import Router
from tmse.requirements.changes import board, forms, queries, service
from tmse.requirements.changes.labels import labels
from tmse.requirements.changes.models import OPEN_STATUSES, ChangeRequest, ChangeRequestStatus
from tmse.requirements.changes.pages import metrics_chart, render_change_request, render_form
from tmse.requirements.models import Requirement
from tmse.web.forms import STALE_MESSAGE, SubmittedForm, not_found_page, optional_int, translator
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import NavItem, register_nav, render, request_locale

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
Requester = Annotated[Actor, Depends(require(CHANGES_REQUEST))]
Decider = Annotated[Actor, Depends(require(CHANGES_DECIDE))]
Paging = Annotated[ListParams, Depends(list_params)]

register_nav(NavItem("changes", N_("Change board"), "/changes", READ, order=6, group="strategy"))

NO_REQUIREMENT = N_("This requirement does not exist.")
NO_CHANGE_REQUEST = N_("This change request does not exist.")


@router.get("/changes")
def change_board(
    request: Request,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    status: str = "",
    saved: str = "",
) -> Response:
    statuses = [str(s) for s in ChangeRequestStatus]
    status = status if status in statuses or status == "all" else ""
    filters: dict[str, Any] = (
        {"open_only": True} if not status else {} if status == "all" else {"status": status}
    )
    rows, total = queries.list_change_requests(
        session, ListParams(limit=paging.limit, offset=paging.offset), **filters
    )
    freezes = queries.FreezeLookup(session)
    items = queries.summaries(session, rows, freezes)
    mine = queries.summaries(session, queries.awaiting_decision(session, actor), freezes)
    counts = queries.status_counts(session)
    metric_rows = queries.release_metric_rows(session)
    releases = queries.release_names(
        session, {i.release_id for i in [*items, *mine] if i.release_id}
    )
    actions = board.allowed_actions(session, actor, None)
    return render(
        request,
        "requirements/changes/board.html",
        {
            "active": "changes",
            "mine": mine,
            "page": {
                "items": items,
                "total": total,
                "limit": paging.limit,
                "offset": paging.offset,
            },
            "status": status,
            "statuses": statuses,
            "counts": counts,
            "open_count": sum(counts.get(s, 0) for s in OPEN_STATUSES),
            "all_count": sum(counts.values()),
            "base_url": filter_url("/changes", status=status),
            "release_names": releases,
            "freeze_windows": queries.freeze_rows(session),
            "metric_rows": metric_rows,
            "metrics_chart": metrics_chart(request, metric_rows),
            "actions": actions,
            "flashes": saved_flash(request, saved),
            "labels": labels(),
        },
    )


@router.get("/changes/{change_request_id:id}")
def change_request_page(
    request: Request, session: DbSession, actor: Reader, change_request_id: int, saved: str = ""
) -> Response:
    change_request = _change_request(session, change_request_id)
    if change_request is None:
        return not_found_page(request, NO_CHANGE_REQUEST)
    return render_change_request(
        request, session, actor, change_request, flashes=saved_flash(request, saved)
    )


@router.get("/change-requests/{change_request_id:id}")
def change_request_alias(change_request_id: int, _: Reader) -> Response:
    """The same page under the resource's API name, for links written that way."""
    return RedirectResponse(f"/changes/{change_request_id}", status_code=308)


def _requirement_or_none(session: Session, requirement_id: int | None) -> Requirement | None:
    return session.get(Requirement, requirement_id) if requirement_id else None


def _change_request(session: Session, change_request_id: int) -> ChangeRequest | None:
    try:
        return service.get_change_request(session, change_request_id)
    except NotFound:
        return None


@router.get("/changes/new")
def new_change_request(
    request: Request, session: DbSession, actor: Requester, requirement: str = ""
) -> Response:
    found = _requirement_or_none(session, optional_int(requirement))
    if found is None:
        return not_found_page(request, NO_REQUIREMENT)
    values = forms.current_values(found) | {"reason": "", "emergency": False, "submit": True}
    return render_form(request, session, found, values)


def _save(
    request: Request,
    session: Session,
    actor: Actor,
    requirement: Requirement,
    values: dict[str, Any],
    change_request: ChangeRequest | None,
) -> Response:
    _ = translator(request)
    changes = forms.proposed_changes(requirement, values)
    if change_request is not None:
        # Fields proposed through the API that the form does not show are kept.
        kept = {k: v for k, v in change_request.changes.items() if k not in forms.FORM_FIELDS}
        changes = kept | changes

    def again(status_code: int, message: str, errors: dict[str, str] | None = None) -> Response:
        return render_form(
            request,
            session,
            requirement,
            values,
            change_request=change_request,
            errors=errors,
            message=message,
            status_code=status_code,
        )

    try:
        if change_request is None:
            created = forms.create_data(requirement, values, changes)
        else:
            edited = forms.edit_data(values, changes)
    except ValidationError:
        errors = {"reason": _("This field is required.")}
        return again(422, _("Please correct the marked fields."), errors)
    try:
        with session.begin_nested():
            if change_request is None:
                saved = service.create_change_request(session, actor, created)
            else:
                saved = service.edit_change_request(session, actor, change_request.id, edited)
    except InvalidInput as exc:
        errors = forms.field_errors(exc, _)
        message = _("Please correct the marked fields.")
        if "changes" in errors and len(errors) == 1:
            message = _("Change at least one field: the proposal equals the requirement now.")
        return again(422, message, errors)
    except StaleVersion as exc:
        return again(409, _(STALE_MESSAGE) % {"version": exc.extra.get("current_version", "?")})
    except Problem as exc:
        return again(exc.status, forms.problem_message(exc, _, request_locale(request)))
    return RedirectResponse(f"/changes/{saved.id}?saved=1", status_code=303)


@router.post("/changes/new")
def create_change_request(
    request: Request, session: DbSession, actor: Requester, form: SubmittedForm
) -> Response:
    requirement = _requirement_or_none(session, optional_int(form.get("requirement_id")))
    if requirement is None:
        return not_found_page(request, NO_REQUIREMENT)
    values = forms.form_values(form, requirement)
    return _save(request, session, actor, requirement, values, None)


@router.get("/changes/{change_request_id:id}/edit")
def edit_change_request_page(
    request: Request, session: DbSession, actor: Requester, change_request_id: int
) -> Response:
    change_request = _change_request(session, change_request_id)
    if change_request is None:
        return not_found_page(request, NO_CHANGE_REQUEST)
    requirement = session.get(Requirement, change_request.requirement_id)
    assert requirement is not None
    values = forms.edit_values(requirement, change_request)
    return render_form(request, session, requirement, values, change_request=change_request)


@router.post("/changes/{change_request_id:id}/edit")
def edit_change_request(
    request: Request,
    session: DbSession,
    actor: Requester,
    change_request_id: int,
    form: SubmittedForm,
) -> Response:
    change_request = _change_request(session, change_request_id)
    if change_request is None:
        return not_found_page(request, NO_CHANGE_REQUEST)
    requirement = session.get(Requirement, change_request.requirement_id)
    assert requirement is not None
    values = forms.form_values(form, requirement)
    return _save(request, session, actor, requirement, values, change_request)


def _act(
    request: Request,
    session: Session,
    actor: Actor,
    change_request_id: int,
    action: Callable[[ChangeRequest], object],
    values: dict[str, Any] | None = None,
) -> Response:
    change_request = _change_request(session, change_request_id)
    if change_request is None:
        return not_found_page(request, NO_CHANGE_REQUEST)
    _ = translator(request)
    try:
        with session.begin_nested():
            action(change_request)
    except InvalidInput as exc:
        errors = {str(e.get("field")): _(str(e.get("message", ""))) for e in exc.extra["errors"]}
        session.refresh(change_request)
        message = _("Please correct the marked fields.")
        return render_change_request(
            request,
            session,
            actor,
            change_request,
            errors=errors,
            values=values,
            message=message,
            status_code=422,
        )
    except Problem as exc:
        session.refresh(change_request)
        message = forms.problem_message(exc, _, request_locale(request))
        return render_change_request(
            request,
            session,
            actor,
            change_request,
            values=values,
            message=message,
            status_code=exc.status,
        )
    return RedirectResponse(f"/changes/{change_request_id}?saved=1", status_code=303)


@router.post("/changes/{change_request_id:id}/submit")
def submit(
    request: Request,
    session: DbSession,
    actor: Requester,
    change_request_id: int,
    form: SubmittedForm,
) -> Response:
    version = optional_int(form.get("version")) or 0

    def submitted(cr: ChangeRequest) -> ChangeRequest:
        return service.submit_change_request(session, actor, cr.id, version)

    return _act(request, session, actor, change_request_id, submitted)


@router.post("/changes/{change_request_id:id}/withdraw")
def withdraw(
    request: Request,
    session: DbSession,
    actor: Requester,
    change_request_id: int,
    form: SubmittedForm,
) -> Response:
    version = optional_int(form.get("version")) or 0

    def withdrawn(cr: ChangeRequest) -> ChangeRequest:
        return service.withdraw_change_request(session, actor, cr.id, version)

    return _act(request, session, actor, change_request_id, withdrawn)


@router.post("/changes/{change_request_id:id}/decisions")
def decide(
    request: Request,
    session: DbSession,
    actor: Decider,
    change_request_id: int,
    form: SubmittedForm,
) -> Response:
    data = forms.decision_data(form)

    def decided(cr: ChangeRequest) -> ChangeRequest:
        return board.decide(session, actor, cr.id, data)

    return _act(request, session, actor, change_request_id, decided, {"comment": data.comment})
