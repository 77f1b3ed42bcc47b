"""Every text the quality gate shows a reader (conditions, verdicts, refused reports and changed
lines) has a Chinese translation with the same placeholders."""

from __future__ import annotations

import re
from types import ModuleType

import pytest

from tmse.core.messages import Message, render, translate
from tmse.devops.quality_gates import diff, rules
from tmse.integrations.coverage_reports import errors

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Metric and input names are identifiers and parameters, not sentences.
NOT_TEXTS = set(rules.METRICS) | {
    rules.COVERAGE_INPUT,
    rules.TESTS_INPUT,
    rules.CHANGED_LINES_INPUT,
    rules.PER_FILE_INPUT,
    rules.BRANCHES_INPUT,
}


def texts(module: ModuleType) -> list[str]:
    return [
        value
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str) and value not in NOT_TEXTS
    ]


@pytest.mark.parametrize("module", [rules, errors, diff], ids=lambda m: m.__name__)
def test_every_text_has_a_chinese_translation_with_its_placeholders(module):
    found = texts(module)
    assert len(found) >= 10
    for text in found:
        chinese = translate("zh_CN", text)
        assert chinese != text, text
        assert set(PLACEHOLDER.findall(chinese)) == set(PLACEHOLDER.findall(text)), text
        assert translate("en", text) == text


def test_a_condition_reads_in_chinese():
    reason = Message(
        rules.LINES_COVERED, {"covered": 18, "valid": 24, "actual": 75.0, "threshold": 80}
    )
    assert render(reason, "zh_CN") == "24 行中覆盖了 18 行（75.0%），要求至少 80%"
