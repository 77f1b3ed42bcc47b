"""Every reason a delivery can be refused for is marked for translation, and is translated."""

from __future__ import annotations

from tmse.core.messages import Message, render
from tmse.devops.code import service as code_service
from tmse.devops.hooks.labels import REFUSALS
from tmse.integrations.cicd_events import refusals


def test_every_refusal_text_of_the_adapters_is_marked_for_translation():
    texts = {
        value for name, value in vars(refusals).items() if name.isupper() and isinstance(value, str)
    }
    assert len(texts) >= 20
    assert texts | {code_service.NOT_A_DEPLOYMENT} == set(REFUSALS)


def test_a_logged_refusal_reads_in_chinese_with_its_field():
    note = Message(
        "{where}: {reason}",
        {"where": "X-Hub-Signature-256", "reason": Message(refusals.WRONG_SIGNATURE)},
    )
    assert render(note, "zh_CN") == "X-Hub-Signature-256：签名与投递内容不符"
    assert render(note, "en") == "X-Hub-Signature-256: the signature does not match the body"
