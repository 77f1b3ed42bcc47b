"""The review pages' forms: request, comment, opinion, decision, conditions, refresh, withdraw and
ADR links. Each calls the same service as the API; errors show the page again, nothing stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput, NotFound, Problem
from tmse.core.input_types import parse_int32
from tmse.core.permissions import REVIEWS_DECIDE, REVIEWS_REQUEST
from tmse.core.routing import Router
from tmse.standards.reviews import service
from tmse.standards.reviews.models import ArchitectureReview, ReviewKind
from tmse.standards.reviews.pages import render_new, render_review
from tmse.standards.reviews.schemas import (
    CommentIn,
    ConditionTick,
    DecisionIn,
    OpinionIn,
    ReviewCreate,
)
from tmse.web.forms import (
    SubmittedForm,
    Translate,
    not_found_page,
    optional_int,
    problem_errors,
    translator,
    validation_errors,
)
from tmse.web.labels import N_

router = Router(include_in_schema=False)
Requester = Annotated[Actor, Depends(require(REVIEWS_REQUEST))]
Decider = Annotated[Actor, Depends(require(REVIEWS_DECIDE))]
_SPLIT = re.compile(r"[\s,]+")
TARGET_KINDS = ("service", "api", "data-store")


def _text(form: SubmittedForm, name: str) -> str:
    return str(form.get(name, "")).strip()


def parse_dependencies(text: str) -> tuple[list[dict[str, str]], int | None]:
    """One dependency a line: `target [service|api|data-store] [protocol]`; (rows, bad line)."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = [p for p in _SPLIT.split(line.strip()) if p]
        if not parts:
            continue
        kind = parts[1] if len(parts) > 1 else "service"
        if kind not in TARGET_KINDS or len(parts) > 3:
            return [], number
        row = {"target": parts[0], "kind": kind}
        if len(parts) == 3:
            row["protocol"] = parts[2]
        rows.append(row)
    return rows, None


# Service errors by their English detail, shown translated above the form.
DETAILS = {
    "The review request is not valid": N_("The review request is not valid."),
    "Reviewers must hold the architect role": N_("Reviewers must hold the architect role."),
    "No architect can review this request": N_(
        "No one holds the architect role, so no one can review this request."
    ),
    "Blocking checklist items fail": N_(
        "Blocking checklist items fail: approve with conditions that address them, or reject."
    ),
    "Blocking checklist items are not addressed": N_(
        "Every failing blocking item needs a condition that addresses it."
    ),
    "An approval with conditions needs conditions": N_(
        "An approval with conditions needs at least one condition."
    ),
    "A condition addresses an unknown checklist item": N_(
        "A condition addresses a checklist item that does not exist."
    ),
    "Unknown ADR": N_("There is no ADR with this number."),
}


def _adr_numbers(text: str) -> list[int] | None:
    parts = [p for p in _SPLIT.split(text) if p]
    numbers = [parse_int32(p) for p in parts]
    return None if None in numbers else [n for n in numbers if n is not None]


def _submitted_request(form: SubmittedForm) -> dict[str, Any]:
    return {
        "title": _text(form, "title"),
        "kind": _text(form, "kind") or str(ReviewKind.NEW_SERVICE),
        "service": _text(form, "service"),
        "name": _text(form, "name"),
        "layer": _text(form, "layer"),
        "owner": _text(form, "owner"),
        "system": _text(form, "system"),
        "dependencies": str(form.get("dependencies", "")),
        "description": str(form.get("description", "")).strip(),
        "reviewers": [str(v) for v in form.getlist("reviewers") if str(v).strip()],
        "adrs": _text(form, "adrs"),
    }


# Where a field of the request body shows on the form.
def _form_field(field: str) -> str:
    head = field.split(".")[0].split("[")[0]
    if head == "proposal":
        rest = field.split(".", 1)[1] if "." in field else ""
        inner = rest.split(".")[0].split("[")[0]
        return inner if inner in ("name", "layer", "owner", "system") else "dependencies"
    return head


def _errors_by_form_field(
    errors: list[dict[str, Any]], _: Translate, fallback: dict[str, str] | None = None
) -> dict[str, str]:
    shown: dict[str, str] = {}
    for error in errors:
        field = _form_field(str(error.get("field", "form")))
        shown.setdefault(field, (fallback or {}).get(field) or str(error.get("message", "")))
    return shown


def _request_body(values: dict[str, Any], dependencies: list[dict[str, str]]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": values["title"],
        "kind": values["kind"],
        "description": values["description"],
        "reviewers": values["reviewers"] or None,
        "adrs": _adr_numbers(values["adrs"]) or [],
    }
    if values["kind"] == ReviewKind.NEW_SERVICE:
        body["proposal"] = {
            "name": values["name"],
            "layer": values["layer"],
            "owner": values["owner"],
            "system": values["system"] or None,
            "dependencies": dependencies,
        }
    else:
        body["service"] = values["service"] or None
        body["dependencies"] = dependencies
    return body


@router.post("/reviews")
def create_review(
    request: Request, session: DbSession, actor: Requester, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = _submitted_request(form)
    dependencies, bad_line = parse_dependencies(values["dependencies"])
    errors: dict[str, str] = {}
    if bad_line is not None:
        errors["dependencies"] = _(
            "Line %(line)s: write a name, then service, api or data-store, then a protocol."
        ) % {"line": bad_line}
    if _adr_numbers(values["adrs"]) is None:
        errors["adrs"] = _("Enter ADR numbers separated by commas.")
    if errors:
        return render_new(
            request, session, values, errors, _("Please correct the marked fields."), 422
        )
    try:
        data = ReviewCreate.model_validate(_request_body(values, dependencies))
    except ValidationError as exc:
        # Messages come per top-level field ("proposal"); they show at the form's own field.
        by_top = validation_errors(exc, _)
        shown: dict[str, str] = {}
        for error in exc.errors():
            location = [str(part) for part in error["loc"]]
            shown.setdefault(_form_field(".".join(location)), by_top[location[0]])
        return render_new(
            request, session, values, shown, _("Please correct the marked fields."), 422
        )
    try:
        with session.begin_nested():
            review = service.request_review(session, actor, data)
    except InvalidInput as exc:
        shown = _errors_by_form_field(exc.extra.get("errors", []), _)
        return render_new(
            request, session, values, shown, _(DETAILS.get(exc.detail, exc.detail)), 422
        )
    except Problem as exc:
        return render_new(request, session, values, {}, exc.detail, exc.status)
    return RedirectResponse(f"/reviews/{review.id}?saved=1", status_code=303)


def _act(
    request: Request,
    session: Session,
    actor: Actor,
    review_id: int,
    change: Callable[[], Any],
    values: dict[str, Any] | None = None,
) -> Response:
    """Run one change of a review page's form; errors show the review page again."""
    _ = translator(request)
    try:
        with session.begin_nested():
            change()
    except NotFound:
        return not_found_page(request, N_("This review does not exist."))
    except (Problem, ValidationError) as exc:
        review = session.get(ArchitectureReview, review_id)
        if review is None:
            return not_found_page(request, N_("This review does not exist."))
        if isinstance(exc, ValidationError):
            errors = validation_errors(exc, _)
            return render_review(
                request,
                session,
                actor,
                review,
                errors,
                _("Please correct the marked fields."),
                values,
                status_code=422,
            )
        errors, message = problem_errors(exc, _)
        if isinstance(exc, InvalidInput):
            errors = _errors_by_form_field(exc.extra.get("errors", []), _)
            message = _(DETAILS.get(exc.detail, exc.detail))
        return render_review(
            request, session, actor, review, errors, message, values, status_code=exc.status
        )
    return RedirectResponse(f"/reviews/{review_id}?saved=1", status_code=303)


@router.post("/reviews/{review_id}/comments")
def comment(
    request: Request, session: DbSession, actor: Requester, review_id: int, form: SubmittedForm
) -> Response:
    values = {"body": str(form.get("body", "")).strip()}
    return _act(
        request,
        session,
        actor,
        review_id,
        lambda: service.add_comment(session, actor, review_id, CommentIn(**values)),
        values,
    )


@router.post("/reviews/{review_id}/opinion")
def opinion(
    request: Request, session: DbSession, actor: Requester, review_id: int, form: SubmittedForm
) -> Response:
    values = {"opinion": _text(form, "opinion"), "opinion_comment": _text(form, "comment")}
    return _act(
        request,
        session,
        actor,
        review_id,
        lambda: service.give_opinion(
            session,
            actor,
            review_id,
            OpinionIn(opinion=values["opinion"], comment=values["opinion_comment"]),
        ),
        values,
    )


def _conditions(form: SubmittedForm) -> list[dict[str, Any]]:
    """One condition per blocking item answered (`condition:<key>`), then one per extra line."""
    found = []
    for name, value in form.multi_items():
        text = str(value).strip()
        if name.startswith("condition:") and text:
            found.append({"text": text, "addresses": [name.removeprefix("condition:")]})
    extra = str(form.get("conditions", ""))
    found += [{"text": line.strip()} for line in extra.splitlines() if line.strip()]
    return found


@router.post("/reviews/{review_id}/decision")
def decision(
    request: Request, session: DbSession, actor: Decider, review_id: int, form: SubmittedForm
) -> Response:
    values = {
        "status": _text(form, "status"),
        "note": str(form.get("note", "")).strip(),
        "conditions": str(form.get("conditions", "")),
        "item_conditions": {
            k.removeprefix("condition:"): str(v)
            for k, v in form.multi_items()
            if k.startswith("condition:")
        },
    }
    body = {
        "version": optional_int(form.get("version")),
        "status": values["status"],
        "note": values["note"],
        "conditions": _conditions(form),
    }
    return _act(
        request,
        session,
        actor,
        review_id,
        lambda: service.decide(session, actor, review_id, DecisionIn.model_validate(body)),
        values,
    )


@router.post("/reviews/{review_id}/conditions/{index}")
def tick(
    request: Request,
    session: DbSession,
    actor: Decider,
    review_id: int,
    index: int,
    form: SubmittedForm,
) -> Response:
    data = {"version": optional_int(form.get("version")), "done": bool(form.get("done"))}
    return _act(
        request,
        session,
        actor,
        review_id,
        lambda: service.tick_condition(
            session, actor, review_id, index, ConditionTick.model_validate(data)
        ),
    )


@router.post("/reviews/{review_id}/refresh")
def refresh(
    request: Request, session: DbSession, actor: Requester, review_id: int, form: SubmittedForm
) -> Response:
    version = optional_int(form.get("version")) or 0
    return _act(
        request,
        session,
        actor,
        review_id,
        lambda: service.refresh_checklist(session, actor, review_id, version),
    )


@router.post("/reviews/{review_id}/withdraw")
def withdraw(
    request: Request, session: DbSession, actor: Requester, review_id: int, form: SubmittedForm
) -> Response:
    version = optional_int(form.get("version")) or 0
    return _act(
        request,
        session,
        actor,
        review_id,
        lambda: service.withdraw(session, actor, review_id, version),
    )


@router.post("/reviews/{review_id}/adrs")
def link_adr(
    request: Request, session: DbSession, actor: Requester, review_id: int, form: SubmittedForm
) -> Response:
    values = {"number": _text(form, "number")}

    def change() -> None:
        number = optional_int(values["number"])
        if number is None:
            raise InvalidInput("Unknown ADR", [{"field": "number", "message": "not a number"}])
        service.link_adr(session, actor, review_id, number)

    return _act(request, session, actor, review_id, change, values)
