"""Catalog pages: services in layer lanes or a table, the service form, and a service's page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tmse.catalog import (
    badges,  # noqa: F401 - registers the template globals
    forms,
    queries,
    service,
)
from tmse.catalog.apis import views as apis_views
from tmse.catalog.data_stores import views as data_stores_views
from tmse.catalog.duplicates import views as duplicates_views
from tmse.catalog.graph import overview
from tmse.catalog.graph import views as graph_views
from tmse.catalog.graph.layers import DEFAULT_LAYERS
from tmse.catalog.labels import LAYER_COLOURS
from tmse.catalog.layer_rules.service import current_layer_rules
from tmse.catalog.models import Lifecycle, Service
from tmse.catalog.schemas import ServiceCreate, ServiceUpdate
from tmse.catalog.systems import views as systems_views
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound, Problem
from tmse.core.identity.service import team_by_name
from tmse.core.links import service as links_service
from tmse.core.links.registry import registered_types
from tmse.core.pagination import ListParams, list_params, paginate
from tmse.core.permissions import CATALOG_WRITE, READ
from tmse.core.routing import Router
from tmse.web.forms import (
    SubmittedForm,
    not_found_page,
    translator,
)
from tmse.web.labels import N_
from tmse.web.page_context import filter_url, saved_flash
from tmse.web.templating import NavItem, register_nav, render

router = Router(include_in_schema=False)
for part in (graph_views, duplicates_views, systems_views, apis_views, data_stores_views):
    router.include_router(part.router)
Reader = Annotated[Actor, Depends(require(READ))]
Writer = Annotated[Actor, Depends(require(CATALOG_WRITE))]
Paging = Annotated[ListParams, Depends(list_params)]
SERVICE_NOT_FOUND = N_("This service does not exist.")
LINKS_SHOWN = 100

register_nav(NavItem("catalog", N_("Catalog"), "/catalog", READ, order=30, group="architecture"))


def _filters(q: str, team: str, system: str, lifecycle: str, layer: str = "") -> dict[str, str]:
    return {
        "q": q.strip(),
        "team": team,
        "system": system,
        "lifecycle": lifecycle if lifecycle in set(Lifecycle) else "",
        "layer": layer if layer in DEFAULT_LAYERS else "",
    }


@router.get("/catalog")
def catalog_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    paging: Paging,
    q: str = "",
    team: str = "",
    system: str = "",
    lifecycle: str = "",
    layer: str = "",
    view: str = "layers",
    saved: str = "",
) -> Response:
    filters = _filters(q, team, system, lifecycle, layer)
    view = "table" if view == "table" else "layers"
    if view == "layers":
        filters["layer"] = ""  # every layer has its lane
    context: dict[str, Any] = {
        "active": "catalog",
        "tab": "services",
        "view": view,
        "filters": filters,
        "filtered": any(filters.values()),
        "choices": queries.filter_choices(session),
        "layers": DEFAULT_LAYERS,
        "lifecycles": list(Lifecycle),
        "layer_colours": LAYER_COLOURS,
        "allowed": service.allowed_actions(actor),
        "flashes": saved_flash(request, saved),
        "view_url": filter_url("/catalog", **filters),
    }
    if view == "table":
        sortable = {"name": Service.name, "layer": Service.layer, "tier": Service.tier}
        if paging.sort and paging.sort.removeprefix("-") not in sortable:
            paging = ListParams(limit=paging.limit, offset=paging.offset)
        rows, total = paginate(
            session, queries.filtered_services(**filters), paging, sortable, "name", Service.id
        )
        context["page"] = {
            "items": queries.service_cards(session, rows),
            "total": total,
            "limit": paging.limit,
            "offset": paging.offset,
        }
        context["sort"] = paging.sort or ""
        context["base_url"] = filter_url("/catalog", view="table", **filters)
        context["sort_url"] = filter_url("/catalog", view="table", **filters)
    else:
        lanes = queries.layer_lanes(session, **filters)
        context["lanes"] = lanes
        context["lane_total"] = sum(lane.total for lane in lanes)
    return render(request, "catalog/services.html", context)


# --- the service form ---------------------------------------------------------------------------


def _service_form(
    request: Request,
    session: Session,
    values: dict[str, Any],
    editing: str | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "catalog/service_form.html",
        {
            "active": "catalog",
            "tab": "services",
            "editing": editing,
            "values": values,
            "errors": errors or {},
            "message": message,
            "layers": DEFAULT_LAYERS,
            "lifecycles": list(Lifecycle),
            "teams": queries.all_team_names(session),
            "systems": queries.filter_choices(session)["systems"],
        },
        status_code=status_code,
    )


@router.get("/catalog/services/new")
def new_service_page(request: Request, session: DbSession, _actor: Writer) -> Response:
    values = {f: "" for f in forms.TEXT_FIELDS} | {"tier": "", "lifecycle": "production"}
    values["type"] = "service"
    return _service_form(request, session, values)


@router.post("/catalog/services")
def create_service(
    request: Request, session: DbSession, actor: Writer, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = forms.submitted_service(form)
    try:
        data = ServiceCreate.model_validate(forms.service_data(values))
    except ValidationError as exc:
        errors = forms.form_errors(exc, values, _)
        return _service_form(request, session, values, None, errors, forms.fix_message(_), 422)
    try:
        with session.begin_nested():
            created = service.create_service(session, actor, data)
    except Problem as exc:
        errors, message = forms.service_problem(exc, _)
        return _service_form(request, session, values, None, errors, message, exc.status)
    return RedirectResponse(f"/catalog/services/{created.name}?saved=1", status_code=303)


@router.get("/catalog/services/{name}/edit")
def edit_service_page(request: Request, session: DbSession, _actor: Writer, name: str) -> Response:
    try:
        found = service.get_service(session, name)
    except NotFound:
        return not_found_page(request, SERVICE_NOT_FOUND)
    card = queries.service_cards(session, [found])[0]
    values = {f: getattr(found, f, None) or "" for f in forms.TEXT_FIELDS}
    values |= {
        "owner": card.owner,
        "system": card.system or "",
        "tier": "" if found.tier is None else str(found.tier),
        "version": found.version,
    }
    return _service_form(request, session, values, name)


@router.post("/catalog/services/{name}/edit")
def update_service(
    request: Request, session: DbSession, actor: Writer, name: str, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = forms.submitted_service(form)
    if values["version"] is None:
        message = _("This form is out of date; reload the page.")
        return _service_form(request, session, values, name, {}, message, 422)
    try:
        data = ServiceUpdate.model_validate(
            forms.service_data(values) | {"version": values["version"]}
        )
    except ValidationError as exc:
        errors = forms.form_errors(exc, values, _)
        return _service_form(request, session, values, name, errors, forms.fix_message(_), 422)
    try:
        with session.begin_nested():
            updated = service.update_service(session, actor, name, data)
    except NotFound:
        return not_found_page(request, SERVICE_NOT_FOUND)
    except Problem as exc:
        errors, message = forms.service_problem(exc, _)
        return _service_form(request, session, values, name, errors, message, exc.status)
    return RedirectResponse(f"/catalog/services/{updated.name}?saved=1", status_code=303)


# --- the service page ---------------------------------------------------------------------------


@router.get("/catalog/services/{name}")
def service_page(
    request: Request, session: DbSession, actor: Reader, name: str, saved: str = ""
) -> Response:
    try:
        found = service.get_service(session, name)
    except NotFound:
        return not_found_page(request, SERVICE_NOT_FOUND)
    rules = current_layer_rules(session)
    detail = overview.service_detail(session, name, found, rules)
    return render(
        request,
        "catalog/service.html",
        {
            "active": "catalog",
            "tab": "services",
            "service": found,
            "detail": detail,
            "owner": team_by_name(session, detail.service.owner),
            "depends_on": [n for n in detail.depends_on if n.kind == "service"],
            "findings": queries.service_findings(session, found.name, rules),
            "decisions": _linked_decisions(session, found.id),
            "allowed": service.allowed_actions(actor, found),
            "flashes": saved_flash(request, saved),
        },
    )


def _linked_decisions(session: Session, service_id: int) -> list[Any]:
    """Decision records linked to the service by a trace link, in either direction."""
    links, _total = links_service.list_links(
        session, ListParams(limit=LINKS_SHOWN, sort="-id"), entity=f"service:{service_id}"
    )
    linkable = registered_types().get("adr")
    found = []
    for link in links:
        outgoing = link.source_type == "service"
        other_type = link.target_type if outgoing else link.source_type
        other_id = link.target_id if outgoing else link.source_id
        if other_type != "adr" or linkable is None:
            continue
        record = linkable.load(session, other_id)
        if record is not None:
            found.append({"record": record, "link": link})
    return sorted(found, key=lambda item: item["record"].number)
