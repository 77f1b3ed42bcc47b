"""Every reason the canary judge gives is marked for the catalogs and translated into Chinese."""

from __future__ import annotations

from tmse.core.messages import render
from tmse.devops.canary import judge
from tmse.devops.canary.queries import REASON_TEXTS, rendered


def _judge_reasons() -> set[str]:
    """The judge's upper-case text constants: each is a reason's message text."""
    return {
        value for name, value in vars(judge).items() if name.isupper() and isinstance(value, str)
    }


def test_every_reason_of_the_judge_is_listed():
    assert _judge_reasons() == set(REASON_TEXTS)


def test_every_reason_reads_in_chinese():
    for text in REASON_TEXTS:
        assert render(text, "zh_CN") != text


def test_figures_show_four_significant_digits_in_both_languages():
    reason = {"id": judge.HIGH, "params": {"shift": 109.5, "low": 100.0, "high": 118.123456}}
    assert rendered(reason, "en").text == "High: canary above baseline by 109.5 (CI 100..118.1)"
    assert rendered(reason, "zh_CN").text == "偏高：金丝雀比基准高 109.5（置信区间 100..118.1）"
    assert rendered(reason, "en").message["params"]["high"] == 118.123456
