"""The API tokens page: my tokens, creating one (its plaintext shown once) and revoking."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.errors import NotFound
from tmse.core.identity import credentials, service
from tmse.core.identity.models import ApiToken
from tmse.core.identity.schemas import TokenCreate
from tmse.core.permissions import READ, TOKENS_WRITE
from tmse.core.routing import Router
from tmse.web.forms import (
    SubmittedForm,
    not_found_page,
    translator,
    validation_errors,
)
from tmse.web.labels import N_
from tmse.web.templating import render

router = Router(include_in_schema=False)
Reader = Annotated[Actor, Depends(require(READ))]
TokenWriter = Annotated[Actor, Depends(require(TOKENS_WRITE))]


def _tokens_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    assert actor.user_id is not None
    tokens = credentials.tokens_of(session, actor.user_id)
    context = {
        "active": "tokens",
        "tokens": tokens,
        "allowed": service.allowed_actions(actor, ApiToken),
        "token_actions": {t.id: service.allowed_actions(actor, t) for t in tokens},
        "errors": {},
        "values": {"name": ""},
        "created": None,
        "plaintext": None,
    }
    return render(request, "web/tokens.html", context | (extra or {}), status_code=status_code)


@router.get("/tokens")
def tokens_page(request: Request, session: DbSession, actor: Reader, revoked: str = "") -> Response:
    _ = translator(request)
    flashes = [{"kind": "success", "text": _("The token was revoked.")}] if revoked else []
    return _tokens_page(request, session, actor, {"flashes": flashes})


@router.post("/tokens")
def create_token(
    request: Request, session: DbSession, actor: TokenWriter, form: SubmittedForm
) -> Response:
    assert actor.user_id is not None
    _ = translator(request)
    name = str(form.get("name", "")).strip()
    try:
        data = TokenCreate(name=name)
    except ValidationError as exc:
        extra = {"errors": validation_errors(exc, _), "values": {"name": name}}
        return _tokens_page(request, session, actor, extra, 422)
    user = service.get_user(session, actor.user_id)
    token, plaintext = credentials.create_token(session, actor, user, data.name)
    # The plaintext goes into this response only: the page is not cached and a reload loses it.
    response = _tokens_page(request, session, actor, {"created": token, "plaintext": plaintext})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, session: DbSession, actor: TokenWriter, token_id: int
) -> Response:
    try:
        credentials.revoke_token(session, actor, token_id)
    except NotFound:
        return not_found_page(request, N_("This token does not exist."))
    return RedirectResponse("/tokens?revoked=1", status_code=303)
