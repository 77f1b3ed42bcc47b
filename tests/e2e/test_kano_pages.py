"""A Kano survey in a real browser: an administrator creates it through the form, a customer
answers through the share link without signing in, more answers arrive through the same link,
and the survey page shows the results table and the Better/Worse chart, in English
and in Chinese."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.helpers.browser import screenshot, sign_in, switch_language

pytestmark = pytest.mark.e2e

# Planted answer pairs per feature key: (functional, dysfunctional, how many).
PLAN = {
    "F1": [("like", "neutral", 7), ("like", "dislike", 2), ("neutral", "neutral", 3)],  # A
    "F2": [("like", "dislike", 8), ("expect", "dislike", 3), ("like", "neutral", 1)],  # O
    "F3": [("expect", "dislike", 9), ("like", "dislike", 2), ("neutral", "neutral", 1)],  # M
    "F4": [("neutral", "neutral", 8), ("like", "tolerate", 2), ("dislike", "like", 2)],  # I
}


def _answers(index: int) -> dict[str, dict[str, str]]:
    answers = {}
    for key, rows in PLAN.items():
        expanded = [(f, d) for f, d, count in rows for _ in range(count)]
        functional, dysfunctional = expanded[index]
        answers[key] = {"functional": functional, "dysfunctional": dysfunctional}
    return answers


def test_create_answer_and_read_the_chart(browser, server, page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page)
    page.click("[data-nav=kano]")
    page.wait_for_url("**/kano")
    page.click("#new-survey")
    page.fill("#name", "Mobile app 2027 / 移动端 2027")
    page.fill(
        "#features",
        "One-tap reorder / 一键再次购买\nOrder tracking / 订单跟踪\n"
        "Secure payment / 安全支付\nDark mode / 深色模式",
    )
    screenshot(page, "kano-01-new-survey")
    page.click("#create-survey")
    page.wait_for_url(re.compile(r".*/kano/\d+\?saved=1"))
    share_url = page.input_value("#share-url")
    survey_id = int(re.search(r"/kano/(\d+)", page.url).group(1))

    anonymous = browser.new_context(base_url=server, locale="en-US")
    customer = anonymous.new_page()
    customer.goto(share_url)
    assert customer.locator("#main-nav").count() == 0
    first = _answers(0)
    customer.fill("#respondent", "Customer 0")
    for key, pair in first.items():
        for question, answer in pair.items():
            customer.check(f"input[name='{question}-{key}'][value='{answer}']")
    screenshot(customer, "kano-02-answer-form")
    customer.click("#submit-answers")
    customer.wait_for_url("**/thanks")
    assert "Thank you!" in customer.locator("#thanks").inner_text()
    switch_language(customer, "zh_CN")
    customer.goto(share_url)
    assert "您会有什么感受" in customer.content()
    screenshot(customer, "kano-03-answer-form-zh")
    anonymous.close()

    # More customers answer through the same share link (the API takes only signed-in users'
    # own answers).
    with httpx.Client() as customers:
        customers.get(share_url)
        csrf = {"csrf_token": customers.cookies["tmse_csrf"]}
        for index in range(1, 12):
            fields = {
                f"{question}-{key}": answer
                for key, pair in _answers(index).items()
                for question, answer in pair.items()
            }
            sent = customers.post(
                share_url, data=csrf | {"respondent": f"Customer {index}"} | fields
            )
            assert sent.status_code == 303, sent.text

    page.goto(f"/kano/{survey_id}")
    assert page.locator("#response-count").inner_text() == "12"
    categories = {
        key: page.locator(f"tr[data-feature={key}] [data-category]").get_attribute("data-category")
        for key in PLAN
    }
    assert categories == {"F1": "A", "F2": "O", "F3": "M", "F4": "I"}
    page.wait_for_selector("#kano-chart[data-ready='1']", timeout=10_000)
    screenshot(page, "kano-04-results")
    switch_language(page, "zh_CN")
    page.wait_for_selector("#kano-chart[data-ready='1']", timeout=10_000)
    assert "魅力型" in page.locator("#results-table").inner_text()
    screenshot(page, "kano-05-results-zh")
    switch_language(page, "en")
