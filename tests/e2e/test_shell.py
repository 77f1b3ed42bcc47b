"""Sign in, see the overview chart, switch language, sign out — in a real browser."""

from __future__ import annotations

import pytest

from tests.helpers.browser import screenshot, sign_in, switch_language

pytestmark = pytest.mark.e2e


def test_sign_in_see_chart_switch_language_sign_out(page):  # type: ignore[no-untyped-def]
    page.goto("/login")
    screenshot(page, "01-login")
    sign_in(page)
    assert page.locator("h2.page-title").inner_text() == "Organisation overview"
    assert page.locator("[data-testid=kpi-users]").inner_text() == "9"

    chart = page.locator("#chart-departments")
    page.wait_for_function(
        "() => document.querySelector('#chart-departments[data-ready]') !== null"
    )
    rendered = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('#chart-departments'))"
        ".getOption().series[0].data"
    )
    assert rendered == [5, 3]  # Platform has five people, Product three — from the database
    assert chart.bounding_box()["height"] > 200
    screenshot(page, "02-overview-en")

    switch_language(page, "zh_CN")
    assert page.locator("h2.page-title").inner_text() == "组织概览"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.wait_for_function(
        "() => document.querySelector('#chart-departments[data-ready]') !== null"
    )
    screenshot(page, "03-overview-zh")

    page.click("#logout")
    page.wait_for_url("**/login")
    assert page.locator("#sign-in").is_visible()
    screenshot(page, "04-signed-out")
    page.goto("/")
    page.wait_for_url("**/login?next=/")


def test_language_is_remembered_for_the_user(page, browser, server):  # type: ignore[no-untyped-def]
    sign_in(page)
    switch_language(page, "zh_CN")
    switch_language(page, "en")
    switch_language(page, "zh_CN")
    # A fresh browser (no cookies, English Accept-Language) gets Chinese after signing in.
    fresh = browser.new_context(base_url=server, locale="en-US")
    other = fresh.new_page()
    sign_in(other)
    assert other.locator("h2.page-title").inner_text() == "组织概览"
    fresh.close()
    switch_language(page, "en")  # leave the shared account in English


def test_wrong_password_shows_an_error(page):  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("#username", "admin")
    page.fill("#password", "wrong-password")
    page.click("#sign-in")
    assert "Wrong username or password" in page.locator("#login-error").inner_text()
