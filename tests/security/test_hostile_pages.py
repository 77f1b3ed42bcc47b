"""Every page of the app, signed in as admin, over the demo with hostile text in every free-text
field: no event handler, no script and no live javascript:/data: link that the app did not write.

The routes are read from the app, so a new page is walked without touching this test; a path
parameter nobody taught it to fill fails the test by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote_plus

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from rich.console import Console
from sqlalchemy import select

from tests.helpers import SYSTEM, login
from tests.helpers.hostile_data import (
    LINK_COLUMNS,
    MACHINE_COLUMNS,
    PATH_COLUMNS,
    PAYLOAD,
    TEMPLATE_EVALUATED,
    TEXT_JSON_COLUMNS,
    poison,
)
from tests.helpers.html_audit import script_problems
from tests.helpers.page_forms import post_forms
from tests.helpers.page_routes import page_routes, page_urls
from tmse.app import create_app
from tmse.core.db import Database
from tmse.core.identity import credentials
from tmse.core.identity.models import User
from tmse.demo import load_demo
from tmse.metadata import load_metadata
from tmse.settings import Settings


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


def test_no_page_runs_script_from_stored_or_reflected_text(hostile):
    client, db, filled = hostile
    routes = page_routes()
    rendered, failures = 0, []
    for route in routes:
        for url in page_urls(db, route, PAYLOAD):
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
    for route in page_routes():
        if not route.path.endswith(("/new", "/edit")):
            continue
        url = page_urls(db, route, PAYLOAD)[0]
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
