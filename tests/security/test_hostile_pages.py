"""Every page of the app, signed in as admin, over the demo with hostile text in every free-text
field: no event handler, no script and no live javascript:/data: link that the app did not write.

The routes are read from the app, so a new page is walked without touching this test; a path
parameter nobody taught it to fill fails the test by name.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from urllib.parse import quote, unquote_plus, urlencode

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response
from rich.console import Console
from sqlalchemy import select, text

from tests.helpers import SYSTEM, login
from tests.security.hostile_data import (
    LINK_COLUMNS,
    MACHINE_COLUMNS,
    PATH_COLUMNS,
    PAYLOAD,
    TEMPLATE_EVALUATED,
    TEXT_JSON_COLUMNS,
    poison,
)
from tests.security.html_audit import script_problems
from tests.security.page_forms import post_forms
from tmse.app import create_app
from tmse.core.db import Database
from tmse.core.identity import credentials
from tmse.core.identity.models import User
from tmse.demo import load_demo
from tmse.metadata import load_metadata
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


@pytest.fixture(scope="module")
def hostile(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, Database, list[str]]]:
    folder = tmp_path_factory.mktemp("hostile")
    url = f"sqlite:///{folder / 'tmse.db'}"
    db = Database(url)
    load_metadata().create_all(db.engine)
    context = load_demo(db, credentials_file=folder / "admin.txt", console=Console(quiet=True))
    assert context is not None
    app = create_app(
        Settings(database_url=url, secret_key="hostile-" + "k" * 32, log_json=False), db
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        assert login(client, "admin", context.password).status_code == 303
        with db.session() as session:  # the demo has no API token; its name is shown on /tokens
            admin = session.scalars(select(User).where(User.username == "admin")).one()
            credentials.create_token(session, SYSTEM, admin, "ci")
        with db.engine.begin() as connection:
            filled = poison(connection)
        yield client, db, filled
    db.dispose()


def _page_routes() -> list[APIRoute]:
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


def _urls(db: Database, route: APIRoute) -> list[str]:
    """The route with real ids, once plain and once with every text query parameter hostile."""
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
    if texts:
        query = urlencode({name: PAYLOAD for name in texts})
        urls += [f"{url}{'&' if '?' in url else '?'}{query}" for url in urls[:1]]
    return urls


def _takes_text(annotation: object) -> bool:
    return annotation is str or str in typing.get_args(annotation)


def test_no_page_runs_script_from_stored_or_reflected_text(hostile):
    client, db, filled = hostile
    routes = _page_routes()
    rendered, failures = 0, []
    for route in routes:
        for url in _urls(db, route):
            response = client.get(url, follow_redirects=False)
            rendered += 1
            reflected = PAYLOAD in unquote_plus(url)
            # Real ids give a page (or a redirect); hostile query values may be refused.
            if response.status_code >= (500 if reflected else 400):
                failures.append(f"{url}: status {response.status_code}")
            location = response.headers.get("location", "")
            if location and not location.startswith("/"):
                failures.append(f"{url}: redirects off the site to {location!r}")
            problems = script_problems(response.text) if _is_html(response) else []
            if TEMPLATE_EVALUATED in response.text:
                problems.append("template syntax in the data was evaluated")
            failures += [f"{url}: {problem}" for problem in problems]
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures[:60])
    # The walk really covered the app and really carried payloads.
    assert rendered > 120, rendered
    assert len(filled) > 100, len(filled)
    print(f"\nrendered {rendered} URLs of {len(routes)} routes; {len(filled)} columns hostile")


def _is_html(response: Response) -> bool:
    return response.headers.get("content-type", "").startswith("text/html")


def test_forms_show_hostile_input_back_as_text(hostile):
    """Every new/edit form, submitted with the payload in each text field: the answer (the form
    again with its errors, or the saved record) shows it as text. Runs after the walk: it writes."""
    client, db, _ = hostile
    posted, failures = 0, []
    for route in _page_routes():
        if not route.path.endswith(("/new", "/edit")):
            continue
        url = _urls(db, route)[0]
        for form in post_forms(url, client.get(url).text, PAYLOAD):
            if form.action in ("/language", "/logout"):
                continue
            data: dict[str, list[str]] = {}
            for name, value in form.fields:
                data.setdefault(name, []).append(value)
            response = client.post(form.action, data=data, follow_redirects=True)
            posted += 1
            if response.status_code >= 500:
                failures.append(f"{form.action} from {url}: status {response.status_code}")
            problems = script_problems(response.text) if _is_html(response) else []
            failures += [f"{form.action} from {url}: {problem}" for problem in problems]
    assert not failures, "\n".join(failures)
    assert posted > 25, posted
    print(f"\nposted {posted} forms")


def test_the_payload_is_shown_as_text(hostile):
    """The hostile text is on the pages, escaped, rather than silently dropped."""
    client, _, _ = hostile
    for url in ("/catalog?view=table", "/requirements", "/decisions/1", "/teams"):
        page = client.get(url).text
        assert "&lt;img src=x onerror=alert(1)&gt;" in page, url
        assert "<img src=x" not in page, url


def test_every_listed_column_exists():
    """A renamed column must be renamed in hostile_data too, or it would silently go unlisted."""
    columns = {f"{table.name}.{column.name}" for table in load_metadata().sorted_tables
               for column in table.columns}  # fmt: skip
    for listed in (MACHINE_COLUMNS, PATH_COLUMNS, LINK_COLUMNS, TEXT_JSON_COLUMNS):
        assert listed <= columns, sorted(listed - columns)
