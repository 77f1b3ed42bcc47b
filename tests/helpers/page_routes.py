"""The app's HTML pages as a walker sees them: every GET page route, and URLs for it with real
ids from the demo (a path parameter nobody taught it to fill fails by name)."""

from __future__ import annotations

import typing
from urllib.parse import quote, urlencode

from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import text

from tmse.app import create_app
from tmse.core.db import Database
from tmse.settings import Settings

# Real values for each path parameter: up to three distinct rows, rich ones first.
PARAMETER_VALUES = {
    "requirement_id": "SELECT requirement_id FROM requirement_review_requests UNION ALL "
    "SELECT requirement_id FROM change_requests UNION ALL SELECT id FROM requirements",
    "team_id": "SELECT id FROM teams ORDER BY kind, id",
    "user_id": "SELECT id FROM users WHERE username LIKE 'admin%' UNION ALL SELECT id FROM users",
    "number": "SELECT number FROM decision_records ORDER BY number",
    "review_id": "SELECT id FROM architecture_reviews ORDER BY id",
    "campaign_id": "SELECT id FROM scorecard_campaigns ORDER BY id",
    "survey_id": "SELECT id FROM kano_surveys ORDER BY id",
    "token": "SELECT share_token FROM kano_surveys ORDER BY id",
    "baseline_id": "SELECT id FROM requirement_baselines ORDER BY status, id",
    "change_request_id": "SELECT id FROM change_requests ORDER BY status, id",
    "goal_id": "SELECT id FROM strategy_goals ORDER BY id",
    "objective_id": "SELECT id FROM strategy_objectives ORDER BY id",
    "initiative_id": "SELECT id FROM strategy_initiatives ORDER BY id",
    "project_id": "SELECT id FROM delivery_projects ORDER BY id",
    "run_id": "SELECT id FROM devops_canary_runs ORDER BY id",
}
# Parameters whose meaning depends on the page.
PARAMETER_VALUES_BY_PATH = {
    ("/standards/", "key"): "SELECT key FROM standards ORDER BY id",
    ("/scorecards/levels/", "key"): "SELECT key FROM scorecard_levels ORDER BY id",
    ("/catalog/apis/", "name"): "SELECT name FROM catalog_apis ORDER BY id",
    ("/catalog/services/", "name"): "SELECT name FROM catalog_services ORDER BY id",
    ("/scorecards/", "name"): "SELECT name FROM catalog_services ORDER BY id",
}
# Query parameters a page needs to show anything but "not found".
REQUIRED_QUERY = {
    "/changes/new": ("requirement", "SELECT requirement_id FROM change_requests ORDER BY id"),
}
NOT_PAGES = {"/healthz", "/readyz", "/metrics"}


def page_routes() -> list[APIRoute]:
    app = create_app(Settings(database_url="sqlite://", secret_key="walk-" + "k" * 32))
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or "GET" not in (context.methods or ()):
            continue
        path = context.path or ""
        if path.startswith("/api/v1/") or path in NOT_PAGES:
            continue
        found.append(route)
    return found


def _values(db: Database, path: str, parameter: str) -> list[str]:
    query = next(
        (q for (prefix, name), q in PARAMETER_VALUES_BY_PATH.items()
         if name == parameter and path.startswith(prefix)),
        PARAMETER_VALUES.get(parameter),
    )  # fmt: skip
    assert query, f"{path}: teach PARAMETER_VALUES how to fill {{{parameter}}}"
    with db.engine.connect() as connection:
        rows = [str(row[0]) for row in connection.execute(text(query))]
    distinct = list(dict.fromkeys(rows))[:3]
    assert distinct, f"{path}: the demo has no row for {{{parameter}}}"
    return distinct


def page_urls(db: Database, route: APIRoute, payload: str | None = None) -> list[str]:
    """The route with real ids; with `payload`, once more with it in every text query parameter."""
    urls = [route.path_format]
    if route.path in REQUIRED_QUERY:
        name, query = REQUIRED_QUERY[route.path]
        with db.engine.connect() as connection:
            urls = [f"{urls[0]}?{name}={connection.execute(text(query)).scalar()}"]
    for parameter in route.dependant.path_params:
        urls = [
            url.replace(f"{{{parameter.name}}}", quote(value, safe=""))
            for url in urls
            for value in _values(db, route.path, parameter.name)
        ]
    texts = [p.alias for p in route.dependant.query_params if _takes_text(p.field_info.annotation)]
    if texts and payload is not None:
        query = urlencode({name: payload for name in texts})
        urls += [f"{url}{'&' if '?' in url else '?'}{query}" for url in urls[:1]]
    return urls


def _takes_text(annotation: object) -> bool:
    return annotation is str or str in typing.get_args(annotation)
