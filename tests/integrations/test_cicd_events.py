"""Requirement keys named in pull request titles, branches and bodies; and the shared reading
rules every CI/CD adapter relies on (timestamps, depth, fact keys)."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tmse.integrations.cicd_events as vocabulary
from tmse.integrations import github, gitlab, jenkins
from tmse.integrations.cicd_events import (
    DeliveryBatch,
    DeliveryRefused,
    DeploymentStatus,
    PipelineStatus,
    requirement_keys,
)
from tmse.integrations.cicd_events.reading import parse_timestamp


@pytest.mark.parametrize(
    ("title", "branch", "body", "expected"),
    [
        ("REQ-123 login page", None, None, ("REQ-123",)),
        ("Login page", "feature/req-123-login", None, ("REQ-123",)),
        ("Login page", "feature/Req-123-login", None, ("REQ-123",)),
        ("Fix req-9 and REQ-10", None, None, ("REQ-9", "REQ-10")),
        ("ABC-123: pay by card", None, None, ("ABC-123",)),
        ("Pay by card", "bugfix/abc-123-card", None, ("ABC-123",)),
        ("Pay by card", "bugfix/ABC-123-card", None, ("ABC-123",)),
        ("PAY2-7 and OPS_X-12", None, None, ("PAY2-7", "OPS_X-12")),
        # Order of appearance across title, branch and body; each key once.
        (
            "REQ-2 then ABC-1",
            "feature/abc-1-and-req-3",
            "See REQ-2, XYZ-40 and req-3.",
            ("REQ-2", "ABC-1", "REQ-3", "XYZ-40"),
        ),
        # Standards and encodings of the same shape are not keys.
        ("Use UTF-8 and SHA-256 with ISO-8601 dates", None, None, ()),
        ("Follow RFC-7231, fix CVE-2021-44228", "fix/utf-8-names", "TLS-13 MD-5", ()),
        # Lower-case or mixed-case external keys in prose are words, not keys.
        ("covid-19 page, Abc-123, pre-1 release", None, "x86-64 build", ()),
        # Inside a branch, a lower-case external key must open a path segment.
        ("Update", "feature/add-login-2-factor", None, ()),
        # Digit-only and glued shapes.
        ("Bump 2023-10 to 2024-01, v1-2", None, None, ()),
        ("REQ-12a, AREQ-1b, REQ-0, REQ-007, _REQ-5", None, None, ()),
        ("REQ-1234567890 is too long a number", None, None, ()),
        ("A-1 needs two letters", None, None, ()),
        # Keys in links and punctuation are still keys.
        ("(REQ-5)", None, "https://jira.example.com/browse/OPS-77.", ("REQ-5", "OPS-77")),
        (None, None, None, ()),
        ("", "", "", ()),
    ],
)
def test_requirement_keys(
    title: str | None, branch: str | None, body: str | None, expected: tuple[str, ...]
) -> None:
    assert requirement_keys(title, branch, body) == expected


def test_requirement_keys_in_a_long_body_come_once_each_in_order() -> None:
    body = " ".join(f"REQ-{n % 50 + 1}" for n in range(10_000))
    keys = requirement_keys(None, None, body)
    assert keys == tuple(f"REQ-{n}" for n in range(1, 51))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-05-15T15:19:25Z", datetime(2019, 5, 15, 15, 19, 25, tzinfo=UTC)),
        ("2011-12-12T14:27:31+02:00", datetime(2011, 12, 12, 12, 27, 31, tzinfo=UTC)),
        ("2020-10-02T12:42:30.000Z", datetime(2020, 10, 2, 12, 42, 30, tzinfo=UTC)),
        ("2016-08-12 15:23:28 UTC", datetime(2016, 8, 12, 15, 23, 28, tzinfo=UTC)),
        ("2021-04-28 21:50:00 +0200", datetime(2021, 4, 28, 19, 50, 0, tzinfo=UTC)),
        ("2021-04-28 21:50:00 -0130", datetime(2021, 4, 28, 23, 20, 0, tzinfo=UTC)),
        ("2019-05-15T15:19:25", None),  # no time zone: which one?
        ("2019-05-15", None),
        ("2019-13-01T00:00:00Z", None),
        ("15/05/2019 15:19", None),
        ("", None),
        ("２０１９-05-15T15:19:25Z", None),  # full-width digits
        ("2019-05-15T15:19:25Z\n", None),
    ],
)
def test_timestamps_are_aware_utc_or_refused(text: str, expected: datetime | None) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() is not None and parsed.tzinfo == UTC


def test_statuses_know_whether_they_are_finished() -> None:
    assert {s for s in PipelineStatus if s.finished} == {
        "success",
        "failure",
        "cancelled",
        "skipped",
    }
    assert {s for s in DeploymentStatus if not s.finished} == {"queued", "running"}


def test_an_empty_batch_says_so() -> None:
    assert DeliveryBatch("github", "ping", None).empty


def test_the_vocabulary_imports_only_the_standard_library() -> None:
    package = Path(vocabulary.__file__).parent
    imported = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    outside = {
        module
        for module in imported
        if not module.startswith("tmse.integrations.cicd_events")
        and module.split(".")[0] not in {"__future__", "collections", "dataclasses", "datetime"}
        and module.split(".")[0] not in {"enum", "json", "math", "re", "typing"}
    }
    assert outside == set()


FIXTURES = Path(__file__).parent / "fixtures"
PARSERS: dict[str, Callable[[bytes], DeliveryBatch]] = {
    "github/push.json": lambda body: github.parse("push", body, None),
    "github/pull_request_closed.json": lambda body: github.parse("pull_request", body, None),
    "github/pull_request_review_submitted.json": lambda body: github.parse(
        "pull_request_review", body, None
    ),
    "github/workflow_run_completed.json": lambda body: github.parse("workflow_run", body, None),
    "github/deployment_status.json": lambda body: github.parse("deployment_status", body, None),
    "gitlab/push.json": lambda body: gitlab.parse("Push Hook", body, None),
    "gitlab/merge_request.json": lambda body: gitlab.parse("Merge Request Hook", body, None),
    "gitlab/pipeline.json": lambda body: gitlab.parse("Pipeline Hook", body, None),
    "gitlab/deployment.json": lambda body: gitlab.parse("Deployment Hook", body, None),
    "jenkins/readme_example.json": jenkins.parse,
    "jenkins/deploy_finalized.json": jenkins.parse,
}
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


def test_every_documented_sample_is_covered() -> None:
    assert sorted(PARSERS) == sorted(
        path.relative_to(FIXTURES).as_posix()
        for path in FIXTURES.glob("*/*.json")
        if path.parent.name in ("github", "gitlab", "jenkins")
    )


@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_field_replaced_by_any_json_gives_facts_or_a_refusal(
    name: str, data: st.DataObject
) -> None:
    """Whatever value lands in whatever field, the answer is a batch or DeliveryRefused."""
    payload = json.loads((FIXTURES / name).read_bytes())
    *parents, last = data.draw(st.sampled_from(_paths(payload)))
    target = payload
    for step in parents:
        target = target[step]
    target[last] = data.draw(JSON_VALUES)
    try:
        batch = PARSERS[name](json.dumps(payload).encode())
    except DeliveryRefused as refused:
        assert refused.field  # names where
        return
    assert isinstance(batch, DeliveryBatch)
