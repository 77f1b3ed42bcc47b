"""The small demo read in Chinese by each role: every HTML page, its tabs and filter links, and
the English words a reader would see on it. `python -m tests.helpers.chinese_pages [FILE]` prints
(or writes) the report of every page."""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy import select, update

from tests.helpers import login
from tests.helpers.english_words import Vocabulary, english_words, vocabulary
from tests.helpers.page_routes import page_routes, page_urls
from tests.helpers.pages import post_form
from tests.helpers.visible_text import visible_strings
from tmse.app import create_app
from tmse.core.db import Database
from tmse.core.identity.models import User, UserRole
from tmse.core.permissions import Role
from tmse.demo import load_demo
from tmse.metadata import load_metadata
from tmse.settings import Settings

ROLES = tuple(Role)
# Tabs and filters that are links to the same page with a query: how many of each page to read.
MORE_VIEWS_PER_PAGE = 6
_HREF = re.compile(r"""href="([^"]*)\"""")


@dataclass
class PageReading:
    """What one page pattern showed: English words by URL and the URLs that failed."""

    english: dict[str, dict[str, str]] = field(default_factory=dict)  # url -> word -> context
    errors: list[str] = field(default_factory=list)
    read: int = 0

    def describe(self) -> str:
        """Failures, each URL's words, then each word with the visible text it came from."""
        lines = [f"  {url}: {', '.join(sorted(words))}" for url, words in self.english.items()]
        contexts: dict[str, str] = {}
        for found in self.english.values():
            for word, context in found.items():
                contexts.setdefault(word, context)
        lines += [f"    {word}: {context[:160]}" for word, context in sorted(contexts.items())]
        return "\n".join(self.errors + lines)


@dataclass
class ChineseDemo:
    """The small demo, one signed-in browser per role with Chinese chosen, and the allow-list."""

    app: FastAPI
    db: Database
    clients: dict[Role, TestClient]
    allowed: Vocabulary

    def read(self, route: APIRoute) -> PageReading:
        """Every role reads every URL of `route`; a refused page (403/404) is skipped."""
        reading = PageReading()
        urls = page_urls(self.db, route)
        urls += _more_views(self.clients[Role.ADMIN], urls)
        for role, client in self.clients.items():
            for url in urls:
                response = client.get(url)
                if response.status_code >= 500:
                    reading.errors.append(f"  {url} as {role}: status {response.status_code}")
                if response.status_code in (403, 404) or response.status_code >= 500:
                    continue
                if not response.headers.get("content-type", "").startswith("text/html"):
                    continue
                reading.read += 1
                found = english_words(visible_strings(response.text), self.allowed)
                if found:
                    reading.english.setdefault(url, {}).update(found)
        return reading


def _more_views(client: TestClient, urls: list[str]) -> list[str]:
    """Links from the page to itself with a query (tabs, filters, pages), one of each kind first."""
    found: list[str] = []
    for url in urls:
        path = urlsplit(url).path
        links = [unescape(href) for href in _HREF.findall(client.get(url).text)]
        found += [link for link in links if urlsplit(link).path == path and urlsplit(link).query]
    distinct = [link for link in dict.fromkeys(found) if link not in urls]
    kinds: dict[frozenset[str], str] = {}
    for link in distinct:
        kinds.setdefault(frozenset(key for key, _ in parse_qsl(urlsplit(link).query)), link)
    ordered = list(kinds.values()) + [link for link in distinct if link not in kinds.values()]
    return ordered[:MORE_VIEWS_PER_PAGE]


@contextmanager
def chinese_demo(folder: Path) -> Iterator[ChineseDemo]:
    """Load the small demo into `folder` and sign in once per role with Chinese chosen."""
    url = f"sqlite:///{folder / 'tmse.db'}"
    db = Database(url)
    load_metadata().create_all(db.engine)
    context = load_demo(db, credentials_file=folder / "admin.txt", console=Console(quiet=True))
    assert context is not None
    usernames = _one_user_per_role(db)
    with db.engine.connect() as connection:
        allowed = vocabulary(connection)
    app = create_app(Settings(database_url=url, secret_key="zh-" + "k" * 32, log_json=False), db)
    try:
        with ExitStack() as stack:
            clients = {
                role: stack.enter_context(_signed_in(app, usernames[role], context.password))
                for role in ROLES
            }
            yield ChineseDemo(app, db, clients, allowed)
    finally:
        db.dispose()


def _one_user_per_role(db: Database) -> dict[Role, str]:
    """A demo user per role, a sign-in persona where there is one; others are given the
    personas' password (a copy of admin's hash: the demo gives all personas one password)."""
    chosen: dict[Role, str] = {}
    with db.session() as session:
        admin_hash = session.scalars(select(User.password_hash).where(User.username == "admin"))
        password_hash = admin_hash.one()
        for role in ROLES:
            user = session.scalars(
                select(User)
                .join(UserRole, UserRole.user_id == User.id)
                .where(UserRole.role == role, User.is_active)
                .order_by(User.password_hash.is_(None), User.id)
                .limit(1)
            ).first()
            assert user is not None, f"the small demo has nobody with the role {role}"
            if user.password_hash is None:
                session.execute(
                    update(User).where(User.id == user.id).values(password_hash=password_hash)
                )
            chosen[role] = user.username
    return chosen


@contextmanager
def _signed_in(app: FastAPI, username: str, password: str) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        assert login(client, username, password).status_code == 303, username
        assert post_form(client, "/language", {"locale": "zh_CN"}).status_code == 303
        yield client


def report(demo: ChineseDemo) -> str:
    """Every page pattern with the English words each of its URLs showed, and counts by module."""
    lines, by_module = [], dict[str, int]()
    for route in page_routes():
        reading = demo.read(route)
        words = {word for found in reading.english.values() for word in found}
        module = route.path.strip("/").split("/")[0] or "home"
        by_module[module] = by_module.get(module, 0) + len(words)
        if words or reading.errors:
            lines.append(f"{route.path}  ({len(words)} words)")
            lines.append(reading.describe())
    summary = [f"{module}: {count}" for module, count in sorted(by_module.items())]
    total = sum(by_module.values())
    return "\n".join(["English words per module:", *summary, f"total: {total}", "", *lines])


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, chinese_demo(Path(folder)) as demo:
        text = report(demo)
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
