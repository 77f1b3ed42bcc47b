"""Standards forms: create a standard, publish a version (text and rules), retire, and add the
built-in standards. Each needs STANDARDS_WRITE."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import InvalidInput, NotFound, Problem
from tmse.core.identity.models import Team
from tmse.core.permissions import STANDARDS_WRITE
from tmse.core.routing import Router
from tmse.integrations.json_text import JsonRefused, load_json
from tmse.standards.registry import service
from tmse.standards.registry.builtin import seed_builtin_standards
from tmse.standards.registry.checks import RULE_KINDS
from tmse.standards.registry.labels import CATEGORY_LABELS
from tmse.standards.registry.models import Category
from tmse.standards.registry.schemas import StandardCreate, VersionPublish
from tmse.web.forms import (
    SubmittedForm,
    not_found_page,
    optional_int,
    problem_errors,
    translator,
    validation_errors,
)
from tmse.web.labels import N_
from tmse.web.templating import render

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require())]
Writer = Annotated[Actor, Depends(require(STANDARDS_WRITE))]
NOT_FOUND = N_("This standard does not exist.")


def _teams(session: Session) -> list[str]:
    return list(session.scalars(select(Team.name).order_by(Team.name)))


def _create_form(
    request: Request,
    session: Session,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "standards/standard_form.html",
        {
            "active": "standards",
            "values": values,
            "errors": errors or {},
            "message": message,
            "categories": list(Category),
            "category_labels": CATEGORY_LABELS,
            "teams": _teams(session),
        },
        status_code=status_code,
    )


@router.get("/standards/new")
def new_standard_page(request: Request, session: DbSession, actor: Writer) -> Response:
    values = {"key": "", "name": "", "category": Category.CUSTOM.value, "owner": ""}
    return _create_form(request, session, values)


@router.post("/standards")
def create_standard(
    request: Request, session: DbSession, actor: Writer, form: SubmittedForm
) -> Response:
    _ = translator(request)
    values = {
        name: str(form.get(name, "")).strip() for name in ("key", "name", "category", "owner")
    }
    try:
        data = StandardCreate.model_validate({**values, "owner": values["owner"] or None})
    except ValidationError as exc:
        return _create_form(request, session, values, validation_errors(exc, _), None, 422)
    try:
        with session.begin_nested():
            service.create_standard(session, actor, data)
    except Problem as exc:
        errors, message = problem_errors(exc, _)
        if exc.extra.get("field") == "key":
            errors = {"key": _("A standard with this key already exists.")}
        return _create_form(request, session, values, errors, message, exc.status)
    return RedirectResponse(f"/standards/{data.key}/publish?created=1", status_code=303)


def _publish_form(
    request: Request,
    session: Session,
    key: str,
    name: str,
    values: dict[str, Any],
    problems: list[dict[str, str]] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "standards/standard_publish.html",
        {
            "active": "standards",
            "key": key,
            "name": name,
            "values": values,
            "problems": problems or [],
            "message": message,
            "created": request.query_params.get("created") == "1",
            "rule_kinds": _kind_rows(),
            "levels": service.level_keys(session),
        },
        status_code=status_code,
    )


@router.get("/standards/{key}/publish")
def publish_page(request: Request, session: DbSession, actor: Writer, key: str) -> Response:
    try:
        detail = service.standard_detail(session, key)
    except NotFound:
        return not_found_page(request, NOT_FOUND)
    current = detail.current
    rules = [rule.model_dump() for rule in current.rules] if current else []
    values = {
        "version": detail.version,
        "body": current.body if current else f"# {detail.name}\n\n",
        "rules": json.dumps(rules, indent=2, ensure_ascii=False),
        "change_note": "",
    }
    return _publish_form(request, session, key, detail.name, values)


@router.post("/standards/{key}/publish")
def publish_version(
    request: Request, session: DbSession, actor: Writer, key: str, form: SubmittedForm
) -> Response:
    _ = translator(request)
    try:
        standard = service.get_standard(session, key)
    except NotFound:
        return not_found_page(request, NOT_FOUND)
    values = {
        "version": optional_int(form.get("version")),
        # Browsers send textarea lines with CRLF; the stored text uses LF like the API's.
        "body": str(form.get("body", "")).replace("\r\n", "\n"),
        "rules": str(form.get("rules", "")),
        "change_note": str(form.get("change_note", "")).strip(),
    }
    try:
        rules = load_json(str(values["rules"]) or "[]")
    except JsonRefused as error:
        message = _("Not valid JSON at line %(line)s, column %(column)s: %(error)s")
        where = {"line": error.line, "column": error.column, "error": error.message}
        problem = {"field": "rules", "message": message % where}
        return _publish_form(request, session, key, standard.name, values, [problem], None, 422)
    try:
        data = VersionPublish.model_validate({**values, "rules": rules})
    except ValidationError as exc:
        problems = [{"field": _field(e["loc"]), "message": str(e["msg"])} for e in exc.errors()]
        return _publish_form(request, session, key, standard.name, values, problems, None, 422)
    try:
        with session.begin_nested():
            service.publish_version(session, actor, key, data)
    except InvalidInput as exc:
        problems = list(exc.extra.get("errors", []))
        return _publish_form(request, session, key, standard.name, values, problems, None, 422)
    except Problem as exc:
        _errors, message = problem_errors(exc, _)
        return _publish_form(request, session, key, standard.name, values, [], message, exc.status)
    return RedirectResponse(f"/standards/{key}?saved=1", status_code=303)


def _kind_rows() -> list[dict[str, str]]:
    """Each check with its params and their defaults, for the form's reference column."""
    rows = []
    for kind in RULE_KINDS.values():
        params = []
        for name, info in kind.params.model_fields.items():
            default = info.get_default(call_default_factory=True)
            params.append(name if info.is_required() else f"{name}={json.dumps(default)}")
        rows.append(
            {"name": kind.name, "description": kind.description, "params": ", ".join(params)}
        )
    return rows


def _field(location: tuple[Any, ...]) -> str:
    """('rules', 2, 'key') → rules[2].key, as the API names it."""
    parts: list[str] = []
    for part in location:
        if isinstance(part, int) and parts:
            parts[-1] += f"[{part}]"
        else:
            parts.append(str(part))
    return ".".join(parts)


@router.post("/standards/{key}/retire")
def retire_standard(
    request: Request, session: DbSession, actor: Writer, key: str, form: SubmittedForm
) -> Response:
    try:
        with session.begin_nested():
            service.retire_standard(session, actor, key, optional_int(form.get("version")) or 0)
    except NotFound:
        return not_found_page(request, NOT_FOUND)
    except Problem:
        # Stale or already retired: show the standard as it is now.
        return RedirectResponse(f"/standards/{key}", status_code=303)
    return RedirectResponse(f"/standards/{key}?saved=1", status_code=303)


@router.post("/standards/seed")
def seed_standards(request: Request, session: DbSession, actor: Writer) -> Response:
    """Add the built-in standards that are missing."""
    seed_builtin_standards(session, actor)
    return RedirectResponse("/standards?saved=1", status_code=303)
