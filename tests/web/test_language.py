"""Language: Accept-Language for anonymous visitors, the switch, and remembering it per user."""

from __future__ import annotations

import pytest

from tests.helpers import login
from tests.helpers.pages import post_form, seed_org
from tmse.core.identity import service


def test_accept_language_picks_chinese_for_the_sign_in_page(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert '<html lang="zh-CN">' in page.text
    assert "登录" in page.text
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Sign in to your account" in english.text


def test_switch_is_remembered_for_the_user_across_sign_ins(client, app, db, admin):
    login(client, "admin")
    assert "Organisation overview" in client.get("/").text

    switched = post_form(client, "/language", {"locale": "zh_CN", "next": "/teams"})

    assert switched.status_code == 303 and switched.headers["location"] == "/teams"
    assert "组织概览" in client.get("/").text
    with db.session() as session:
        assert service.get_user(session, admin.id).locale == "zh_CN"

    from fastapi.testclient import TestClient

    with TestClient(app) as fresh:  # no cookies, an English browser
        fresh.headers["Accept-Language"] = "en-US"
        assert "Sign in to your account" in fresh.get("/login").text
        login(fresh, "admin")
        home = fresh.get("/")
        assert "组织概览" in home.text and '<html lang="zh-CN">' in home.text


@pytest.mark.parametrize(
    ("path", "chinese"),
    [
        ("/", "组织概览"),
        ("/teams", "团队"),
        ("/teams/{gateway}", "直属成员"),
        ("/teams/new", "新建组织单元"),
        ("/teams/{gateway}/edit", "保存修改"),
        ("/users", "人员"),
        ("/users/{admin}", "角色"),
        ("/users/{admin}/edit", "编辑人员"),
        ("/users/new", "新建人员"),
        ("/audit", "审计日志"),
        ("/tokens", "API 令牌"),
    ],
)
def test_every_page_renders_in_chinese(client, db, admin, path, chinese):
    ids = seed_org(db)
    login(client, "admin")
    post_form(client, "/language", {"locale": "zh_CN"})

    page = client.get(path.format(gateway=ids["gateway"], admin=admin.id))

    assert page.status_code == 200
    assert chinese in page.text
    assert '<html lang="zh-CN">' in page.text


def test_pagination_and_labels_are_translated(client, db, admin):
    seed_org(db)
    login(client, "admin")
    post_form(client, "/language", {"locale": "zh_CN"})
    page = client.get("/teams")
    assert "显示第 1 至 4 条，共 4 条" in page.text
    assert "部门" in page.text and "公司" in page.text  # unit kinds
    users = client.get("/users")
    assert "管理员" in users.text  # the admin role label
