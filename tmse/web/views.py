"""Sign-in, sign-out, language switch and the organisation overview page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tmse.core import i18n
from tmse.core.actor import Actor
from tmse.core.deps import SESSION_COOKIE, DbSession, optional_actor, require, web_session_id
from tmse.core.identity import credentials
from tmse.core.identity.overview import organisation_overview
from tmse.core.identity.service import set_locale
from tmse.core.identity.sign_in_limit import TooManyAttempts, claim_attempt
from tmse.core.local_url import local_path
from tmse.core.permissions import READ
from tmse.core.routing import Router
from tmse.core.signing import sign
from tmse.web.labels import N_, role_label
from tmse.web.templating import LOCALE_COOKIE, render, request_locale

router = Router(include_in_schema=False)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "web/login.html", {"next_url": local_path(next)})


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    session: DbSession,
    # As long as the columns and the account form allow: a longer name or password cannot match.
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    address = request.client.host if request.client else "unknown"
    settings = request.app.state.settings
    translate = i18n.translations(request_locale(request)).gettext
    try:
        # Counted in its own transaction before the password is checked, so parallel attempts
        # in any worker cannot get past the limit.
        claim = claim_attempt(request.app.state.db, username, address, settings.login_failure_limit)
    except TooManyAttempts as exc:
        refused = render(
            request,
            "web/login.html",
            {
                "next_url": local_path(next),
                "username": username,
                "error": translate(N_("Too many failed sign-ins. Wait a minute and try again.")),
            },
            status_code=429,
        )
        refused.headers["Retry-After"] = str(exc.extra["retry_after"])
        return refused
    user = credentials.login(session, username, password, address, claim)
    if user is None:
        return render(
            request,
            "web/login.html",
            {
                "next_url": local_path(next),
                "username": username,
                "error": translate(N_("Wrong username or password.")),
            },
            status_code=401,
        )
    lifetime = dt.timedelta(hours=settings.session_hours)
    session_id = credentials.start_web_session(session, user, lifetime)
    response = RedirectResponse(local_path(next), status_code=303)
    cookie = sign(request.app.state.secret_key, session_id)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    if user.locale:
        response.set_cookie(
            LOCALE_COOKIE, user.locale, samesite="lax", secure=_secure(request), max_age=365 * 86400
        )
    return response


@router.post("/logout")
def logout(request: Request, session: DbSession) -> Response:
    session_id = web_session_id(request)
    if session_id:
        credentials.end_web_session(session, session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(request)
    )
    return response


@router.post("/language")
def switch_language(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor | None, Depends(optional_actor)],
    locale: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    chosen = i18n.normalise(locale) or i18n.DEFAULT_LOCALE
    if actor is not None:
        set_locale(session, actor, chosen)
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        LOCALE_COOKIE, chosen, samesite="lax", secure=_secure(request), max_age=365 * 86400
    )
    return response


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, session: DbSession, _: Annotated[Actor, Depends(require(READ))]
) -> Response:
    translate = i18n.translations(request_locale(request)).gettext
    overview = organisation_overview(session)
    cards = [
        {"key": "departments", "label": N_("Departments"), "value": overview.departments},
        {"key": "teams", "label": N_("Teams"), "value": overview.teams},
        {"key": "users", "label": N_("People"), "value": overview.users},
        {"key": "active", "label": N_("Active accounts"), "value": overview.active_users},
    ]
    departments_chart = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 16, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "name": translate(N_("People"))},
        "yAxis": {"type": "category", "inverse": True, "data": overview.headcount_labels},
        "series": [
            {
                "type": "bar",
                "name": translate(N_("People")),
                "data": overview.headcount_values,
                "itemStyle": {"color": "#206bc4"},
            }
        ],
    }
    roles_chart = (
        {
            "tooltip": {"trigger": "item"},
            "legend": {"bottom": 0, "type": "scroll"},
            "series": [
                {
                    "type": "pie",
                    "radius": ["40%", "70%"],
                    "name": translate(N_("Role")),
                    "data": [
                        {"name": translate(role_label(r)), "value": n}
                        for r, n in overview.roles.items()
                    ],
                }
            ],
        }
        if overview.roles
        else None
    )
    return render(
        request,
        "web/home.html",
        {
            "active": "home",
            "cards": cards,
            "departments": {"labels": overview.headcount_labels},
            "departments_chart": departments_chart,
            "roles_chart": roles_chart,
        },
    )
