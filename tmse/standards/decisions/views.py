"""Decision pages: the ADR list, one record with its linked services, the create/edit form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tmse.catalog.queries import service_id_named
from tmse.core.actor import Actor
from tmse.core.db import utctoday
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound, Problem
from tmse.core.links import service as links_service
from tmse.core.links.registry import registered_types
from tmse.core.pagination import ListParams, list_params
from tmse.core.permissions import DECISIONS_WRITE, LINKS_WRITE, READ
from tmse.core.routing import Router
from tmse.standards.decisions import service as decisions
from tmse.standards.decisions.labels import STATUS_LABELS
from tmse.standards.decisions.models import DecisionRecord
from tmse.standards.decisions.schemas import DecisionCreate, DecisionStatus, DecisionUpdate
from tmse.web.forms import (
    SubmittedForm,
    not_found_page,
    optional_int,
    problem_errors,
    translator,
    validation_errors,
)
from tmse.web.labels import N_
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import NavItem, register_nav, render

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require())]
Writer = Annotated[Actor, Depends(require(DECISIONS_WRITE))]
Linker = Annotated[Actor, Depends(require(LINKS_WRITE))]
Paging = Annotated[ListParams, Depends(list_params)]
NOT_FOUND = N_("This decision record does not exist.")
LINK_TYPE = "decides"  # adr:N → service:M, as the decisions API documents
LINKS_SHOWN = 100
FIELDS = ("title", "status", "date", "context", "decision", "consequences")

register_nav(
    NavItem("decisions", N_("Decisions"), "/decisions", READ, order=40, group="architecture")
)


@router.get("/decisions")
def decisions_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    q: str = "",
    status: str = "",
    saved: str = "",
) -> Response:
    filters = {"q": q.strip(), "status": status if status in set(DecisionStatus) else ""}
    sortable = {"number", "title", "status"}
    if paging.sort and paging.sort.removeprefix("-") not in sortable:
        paging = ListParams(limit=paging.limit, offset=paging.offset)
    sort = paging.sort or "-number"
    rows, total = decisions.list_decisions(
        session,
        ListParams(limit=paging.limit, offset=paging.offset, sort=sort),
        status=filters["status"] or None,
        q=filters["q"] or None,
    )
    return render(
        request,
        "standards/decisions.html",
        {
            "active": "decisions",
            "page": {"items": rows, "total": total, "limit": paging.limit, "offset": paging.offset},
            "filters": filters,
            "filtered": any(filters.values()),
            "statuses": list(DecisionStatus),
            "status_labels": STATUS_LABELS,
            "sort": sort,
            "base_url": filter_url("/decisions", sort=paging.sort or "", **filters),
            "sort_url": filter_url("/decisions", **filters),
            "allowed": decisions.allowed_actions(actor),
            "flashes": saved_flash(request, saved),
        },
    )


# --- the form ------------------------------------------------------------------------------------


def _decision_form(
    request: Request,
    values: dict[str, Any],
    number: int | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "standards/decision_form.html",
        {
            "active": "decisions",
            "number": number,
            "values": values,
            "errors": errors or {},
            "message": message,
            "statuses": list(DecisionStatus),
            "status_labels": STATUS_LABELS,
        },
        status_code=status_code,
    )


def _submitted(form: SubmittedForm) -> dict[str, Any]:
    values: dict[str, Any] = {f: str(form.get(f, "")).strip() for f in FIELDS}
    for section in ("context", "decision", "consequences"):
        # Keep the author's layout; only normalise line ends.
        values[section] = str(form.get(section, "")).replace("\r\n", "\n").strip("\n")
    values["version"] = optional_int(form.get("version"))
    return values


def _fix(_: Any) -> str:
    return str(_("Please correct the marked fields."))


@router.get("/decisions/new")
def new_decision_page(request: Request, actor: Writer) -> Response:
    values = {f: "" for f in FIELDS} | {
        "status": DecisionStatus.PROPOSED,
        "date": utctoday().isoformat(),
    }
    return _decision_form(request, values)


@router.post("/decisions")
def create_decision(
    request: Request, session: DbSession, actor: Writer, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = _submitted(form)
    data = {k: v for k, v in values.items() if k != "version"}
    data["date"] = values["date"] or None
    try:
        parsed = DecisionCreate.model_validate(data)
    except ValidationError as exc:
        errors = validation_errors(exc, _)
        if "date" in errors:
            errors["date"] = _("Enter a date as YYYY-MM-DD.")
        return _decision_form(request, values, None, errors, _fix(_), 422)
    try:
        with session.begin_nested():
            record = decisions.create_decision(session, actor, parsed)
    except Problem as exc:
        errors, message = problem_errors(exc, _)
        return _decision_form(request, values, None, errors, message, exc.status)
    return RedirectResponse(f"/decisions/{record.number}?saved=1", status_code=303)


def _record_values(record: DecisionRecord) -> dict[str, Any]:
    values = {f: getattr(record, f) or "" for f in FIELDS}
    values["date"] = record.date.isoformat() if record.date else ""
    values["version"] = record.version
    return values


@router.get("/decisions/{number}/edit")
def edit_decision_page(
    request: Request, session: DbSession, actor: Writer, number: int
) -> Response:
    try:
        record = decisions.get_decision(session, number)
    except NotFound:
        return not_found_page(request, NOT_FOUND)
    return _decision_form(request, _record_values(record), number)


@router.post("/decisions/{number}/edit")
def update_decision(
    request: Request, session: DbSession, actor: Writer, number: int, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = _submitted(form)
    try:
        current = decisions.get_decision(session, number)
    except NotFound:
        return not_found_page(request, NOT_FOUND)
    values["date"] = current.date.isoformat() if current.date else ""  # the date is not edited
    data = {k: values[k] for k in ("title", "status", "context", "decision", "consequences")}
    try:
        parsed = DecisionUpdate.model_validate(data | {"version": values["version"]})
    except ValidationError as exc:
        errors = validation_errors(exc, _)
        message = _("This form is out of date; reload the page.") if "version" in errors else None
        return _decision_form(request, values, number, errors, message or _fix(_), 422)
    try:
        with session.begin_nested():
            decisions.update_decision(session, actor, number, parsed)
    except Problem as exc:
        errors, message = problem_errors(exc, _)
        return _decision_form(request, values, number, errors, message, exc.status)
    return RedirectResponse(f"/decisions/{number}?saved=1", status_code=303)


# --- one record ----------------------------------------------------------------------------------


def _linked_services(session: Session, record: DecisionRecord) -> list[dict[str, Any]]:
    links, _total = links_service.list_links(
        session, ListParams(limit=LINKS_SHOWN, sort="id"), entity=f"adr:{record.id}"
    )
    linkable = registered_types().get("service")
    found = []
    for link in links:
        outgoing = link.source_type == "adr" and link.source_id == record.id
        other_type = link.target_type if outgoing else link.source_type
        other_id = link.target_id if outgoing else link.source_id
        if other_type != "service" or linkable is None:
            continue
        entity = linkable.load(session, other_id)
        if entity is not None:
            found.append({"service": entity, "link": link})
    return found


def _record_page(
    request: Request,
    session: Session,
    actor: Actor,
    record: DecisionRecord,
    flashes: list[dict[str, str]],
    link_error: str | None = None,
    link_value: str = "",
    status_code: int = 200,
) -> Response:
    superseding = [link for link in record.links if str(link[0]).lower().startswith("supersed")]
    return render(
        request,
        "standards/decision.html",
        {
            "active": "decisions",
            "record": record,
            "links": record.links,
            "superseding": superseding,
            "services": _linked_services(session, record),
            "allowed": decisions.allowed_actions(actor, record),
            "status_labels": STATUS_LABELS,
            "flashes": flashes,
            "link_error": link_error,
            "link_value": link_value,
        },
        status_code=status_code,
    )


@router.get("/decisions/{number}")
def decision_page(
    request: Request, session: DbSession, actor: Reader, number: int, saved: str = ""
) -> Response:
    try:
        record = decisions.get_decision(session, number)
    except NotFound:
        return not_found_page(request, NOT_FOUND)
    return _record_page(request, session, actor, record, saved_flash(request, saved))


@router.post("/decisions/{number}/services")
def link_service(
    request: Request,
    session: DbSession,
    actor: Writer,
    _linker: Linker,
    number: int,
    form: SubmittedForm,
) -> Response:
    """Link the record to a service by name: a trace link adr → service of type `decides`."""
    _ = translator(request)
    try:
        record = decisions.get_decision(session, number)
    except NotFound:
        return not_found_page(request, NOT_FOUND)
    name = str(form.get("service", "")).strip()
    target = service_id_named(session, name) if name else None
    if target is None:
        message = _("No service has this name.") if name else _("This field is required.")
        return _record_page(request, session, actor, record, [], message, name, 422)
    try:
        with session.begin_nested():
            links_service.create_link(
                session, actor, f"adr:{record.id}", f"service:{target}", LINK_TYPE
            )
    except Problem as exc:
        message = _("This service is already linked.") if exc.status == 409 else str(exc.detail)
        return _record_page(request, session, actor, record, [], message, name, exc.status)
    return RedirectResponse(f"/decisions/{number}?saved=1", status_code=303)
