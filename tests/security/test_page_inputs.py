"""Hostile numbers and control characters in every page's path, query and form fields, on each
backend: a page may refuse them (4xx) or ignore them, never answer 5xx."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from tests.helpers import login
from tests.helpers.page_forms import post_forms
from tests.helpers.page_routes import page_routes, page_urls
from tmse.app import create_app
from tmse.core.db import Database
from tmse.demo import load_demo
from tmse.settings import Settings

# Past int32 (every id column), past int64 (SQLite's integers), past what int() reads, negative,
# a digit that is no decimal, NUL, another control character, a float past its range.
HOSTILE = (
    "2147483648",
    "99999999999999999999",
    "9" * 5000,
    "-1",
    "²",
    "a\x00b",
    "\x1b[31m",
    "1e309",
)
SKIPPED_ACTIONS = {"/language", "/logout"}


@pytest.fixture
def demo_client(database_url: str, db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    context = load_demo(db, credentials_file=tmp_path / "admin.txt", console=Console(quiet=True))
    assert context is not None
    settings = Settings(database_url=database_url, secret_key="p" * 40, log_json=False)
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        assert login(client, "admin", context.password).status_code == 303
        yield client, db


def test_hostile_path_and_query_values_never_answer_5xx(demo_client) -> None:  # type: ignore[no-untyped-def]
    client, _ = demo_client
    failures, sent = [], 0
    for route in page_routes():
        for value in HOSTILE:
            url = re.sub(r"\{[^}:]+(:[a-z]+)?\}", quote(value, safe=""), route.path_format)
            params = {p.alias: value for p in route.dependant.query_params}
            response = client.get(url, params=params, follow_redirects=False)
            sent += 1
            if response.status_code >= 500:
                failures.append(f"GET {route.path} with {value[:24]!r}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert sent > 400, sent


def test_hostile_form_fields_never_answer_5xx(demo_client) -> None:  # type: ignore[no-untyped-def]
    """Every post form on every page, once per hostile value in all its fields but the CSRF
    token: numbers too large for a column, NUL and escape characters."""
    client, db = demo_client
    forms: dict[str, list[tuple[str, str]]] = {}
    for route in page_routes():
        for url in page_urls(db, route, "x")[:1]:
            for form in post_forms(url, client.get(url).text, "x"):
                if form.action not in SKIPPED_ACTIONS:
                    forms.setdefault(form.action, form.fields)
    failures = []
    for action, fields in sorted(forms.items()):
        for value in HOSTILE:
            data: dict[str, list[str]] = {}
            for name, original in fields:
                data.setdefault(name, []).append(original if name == "csrf_token" else value)
            response = client.post(action, data=data, follow_redirects=False)
            if response.status_code >= 500:
                failures.append(f"POST {action} with {value[:24]!r}: {response.status_code}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
    assert len(forms) > 40, len(forms)


def test_a_browser_gets_a_refusal_as_a_page_in_its_language(client, admin) -> None:  # type: ignore[no-untyped-def]
    login(client, admin.username)
    as_browser = {"Accept": "text/html,application/xhtml+xml", "Accept-Language": "zh-CN"}
    refused = client.get("/requirements", params={"q": "a\x00b"}, headers=as_browser)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("text/html")
    assert "输入无效" in refused.text and "控制字符" in refused.text
    missing = client.get("/requirements/2147483648", headers=as_browser)
    assert missing.status_code == 404 and "此页面不存在" in missing.text
    # The API, and clients not asking for HTML, keep problem+json.
    api = client.get("/api/v1/requirements", params={"q": "a\x00b"}, headers=as_browser)
    assert api.headers["content-type"] == "application/problem+json"
    assert client.get("/requirements/2147483648").headers["content-type"] == (
        "application/problem+json"
    )
