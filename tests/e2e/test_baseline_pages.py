"""Baselines in a real browser: an administrator takes a baseline of a project through the form,
a requirement changes before it is signed, the diff page shows the change field by field, the
named approver signs, and the signature holds — in English and in Chinese."""

from __future__ import annotations

import re

import pytest

from tests.helpers.browser import screenshot, sign_in, switch_language

pytestmark = pytest.mark.e2e


def _api(page, method: str, url: str, body: dict) -> dict:  # type: ignore[no-untyped-def]
    """A JSON call with the signed-in browser's cookies and its CSRF token."""
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    response = page.request.fetch(
        url, method=method, data=body, headers={"x-csrf-token": cookies.get("tmse_csrf", "")}
    )
    assert response.ok, response.text()
    return response.json()


def test_take_compare_and_sign_a_baseline(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page)
    page.click("[data-nav=baselines]")
    page.wait_for_url("**/baselines")
    screenshot(page, "baselines-01-empty")
    assert page.locator("#baselines-empty").count() == 1

    project = _api(page, "POST", "/api/v1/delivery/projects", {"key": "BLE", "name": "Wallet"})
    titles = [
        "Top up by card / 银行卡充值",
        "Monthly statement / 月度账单",
        "Freeze card / 冻结卡片",
    ]
    ids = []
    for index, title in enumerate(titles):
        created = _api(
            page,
            "POST",
            "/api/v1/requirements",
            {
                "title": title,
                "project_id": project["id"],
                "moscow": ["must", "should", "could"][index],
                "effort_days": 3 + index,
            },
        )
        ids.append(created)

    page.click("#new-baseline")
    page.wait_for_url("**/baselines/new")
    page.fill("#name", "Wallet 1.0 scope / 钱包 1.0 范围")
    page.fill("#description", "Agreed with the business on Monday.")
    page.select_option("#project_id", str(project["id"]))
    page.uncheck("input[name=statuses][value=approved]")
    page.select_option("#approver", "admin")
    screenshot(page, "baselines-02-form")
    page.click("#create-baseline")
    page.wait_for_url(re.compile(r".*/baselines/\d+\?saved=1"))
    assert page.locator("[data-signature=unsigned]").count() == 1
    assert page.locator("#items-table tbody tr").count() == 3
    screenshot(page, "baselines-03-draft")

    # The first requirement changes before the approver signs.
    first = ids[0]
    _api(
        page,
        "PATCH",
        f"/api/v1/requirements/{first['id']}",
        {
            "version": first["version"],
            "title": "Top up by card or wallet / 银行卡或钱包充值",
            "effort_days": 8,
        },
    )
    page.click("#compare")
    page.wait_for_url("**/diff?against=now")
    assert page.locator("[data-count=changed]").inner_text() == "1"
    title_row = page.locator(f"tr[data-requirement-id='{first['id']}'][data-field=title]")
    assert "Top up by card / 银行卡充值" in title_row.locator(".tmse-before").inner_text()
    assert "银行卡或钱包充值" in title_row.locator(".tmse-after").inner_text()
    screenshot(page, "baselines-04-diff")

    page.go_back()
    page.click("#sign-baseline")
    page.wait_for_url(re.compile(r".*/baselines/\d+\?saved=1"))
    assert page.locator("[data-signature=valid]").count() == 1
    assert page.locator("#sign-baseline").count() == 0
    screenshot(page, "baselines-05-signed")

    switch_language(page, "zh_CN")
    page.goto("/baselines")
    assert "已签署" in page.locator("#baselines-table").inner_text()
    screenshot(page, "baselines-06-list-zh")
    page.click("#baselines-table a")
    page.click("#compare")
    assert "当前需求" in page.locator("h2.page-title").inner_text()
    screenshot(page, "baselines-07-diff-zh")
    # The language is saved to the account, and later modules sign in as the same admin.
    switch_language(page, "en")
