"""Every page of the small demo, read in Chinese by each role, shows no English but the data
people entered, product names, code identifiers and the words a Chinese translation keeps on
purpose. The allow-list is read from the database and from the zh_CN catalogs.

`pytest tests/web/test_pages_in_chinese.py -k catalog` reads the catalog's pages only;
`python -m tests.helpers.chinese_pages` prints the words of every page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.helpers.chinese_pages import ChineseDemo, chinese_demo
from tests.helpers.english_words import Vocabulary, english_words, kept_in_translation
from tests.helpers.page_routes import page_routes
from tests.helpers.visible_text import visible_strings

ROUTES = page_routes()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChineseDemo]:
    with chinese_demo(tmp_path_factory.mktemp("zh")) as signed_in:
        yield signed_in


@pytest.mark.parametrize("route", ROUTES, ids=[route.path for route in ROUTES])
def test_page_shows_no_english_to_a_chinese_reader(demo: ChineseDemo, route: APIRoute) -> None:
    reading = demo.read(route)
    problems = reading.describe()
    assert not problems, f"{route.path}: server errors and English words by URL:\n{problems}"
    assert reading.read > 0, f"{route.path}: no role could read the page"


def test_the_walk_catches_english_and_allows_the_data(demo: ChineseDemo) -> None:
    """The sign-in page is caught in English and not in Chinese; product names and the words of
    the data (people's sign-in names) are allowed."""
    with TestClient(demo.app) as browser:
        pages = {
            language: browser.get("/login", headers={"Accept-Language": language}).text
            for language in ("zh-CN", "en")
        }
    chinese = english_words(visible_strings(pages["zh-CN"]), demo.allowed)
    english = english_words(visible_strings(pages["en"], "en"), demo.allowed)
    assert len(set(english) - set(chinese)) >= 5, english
    assert {"api", "tmse", "admin", "architect"} <= demo.allowed.words


def test_code_and_the_words_a_translation_keeps_are_allowed_english_is_not() -> None:
    kept = ("所有 Must 需求已批准",)  # a Chinese translation keeping the MoSCoW term
    vocabulary = Vocabulary(frozenset({"tmse"}), "Stored prose, shown in part.", kept)
    shown = [
        "REQ-12 · risk_level · a/b.yaml · op=exists · operationId · v1.2 · ada@example.com",
        "tmse 技术管理系统",
        "所有 Must 需求已批准",
        "shown in part",  # user data
        '{"status": "approved"}',  # a JSON document is code
    ]
    assert english_words(shown, vocabulary) == {}
    english = english_words(["Must", "Review requested: REQ-6", "状态: approved"], vocabulary)
    assert list(english) == ["must", "review", "requested", "approved"]


def test_only_chinese_translations_keep_english_words() -> None:
    kept = kept_in_translation()
    assert kept and not any(fragment.isascii() for fragment in kept)


def test_a_reader_sees_text_and_labels_but_not_scripts_code_or_other_languages() -> None:
    page = (
        '<html lang="zh-CN"><head><title>目录 · tmse</title><script>var x = "Hidden";</script>'
        '</head><body><p>日志级别 <code>trace</code> 之一</p><input type="submit" value="Save">'
        '<input name="q" placeholder="Search"><option lang="en">English</option>'
        '<img alt="Chart"><template><b>Later</b></template><a title="Open">打开</a></body></html>'
    )
    assert visible_strings(page) == [
        "目录 · tmse",
        "日志级别",
        "之一",
        "Save",
        "Search",
        "Chart",
        "Open",
        "打开",
    ]
