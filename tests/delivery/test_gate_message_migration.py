"""Migration 0013: details stored by earlier gate decisions become messages that read the same in
English and in the reader's language in Chinese."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from tmse.core.messages import Message, render

MIGRATION = (
    Path(__file__).resolve().parents[2] / "tmse/migrations/versions/0013_gate_criterion_messages.py"
)


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("migration_0013", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("stored", "chinese"),
    [
        (
            "2 of 5 Must requirements not approved: REQ-3, REQ-9",
            "5 个“必须”需求中有 2 个未批准：REQ-3, REQ-9",
        ),
        (
            "7 of 9 Must requirements not approved: REQ-1, REQ-2, REQ-3, REQ-4, REQ-5 and 2 more",
            "9 个“必须”需求中有 7 个未批准：REQ-1, REQ-2, REQ-3, REQ-4, REQ-5 等另外 2 个",
        ),
        ("the project has no approved baseline", "项目没有已批准的基线"),
        ("approved baseline 'v1 signed' (#4)", "已批准的基线“v1 signed”（#4）"),
        ("2 open change request(s): #3, #8", "2 个未关闭的变更请求：#3, #8"),
    ],
)
def test_stored_details_become_messages(stored: str, chinese: str) -> None:
    message = Message.from_json(_migration().detail_message(stored))
    assert render(message, "en") == stored
    assert render(message, "zh_CN") == chinese


def test_an_unknown_detail_keeps_its_text() -> None:
    stored = "OPS/Go-live: payments"
    assert _migration().detail_message(stored) == {"id": stored, "params": {}}
