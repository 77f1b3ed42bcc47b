"""Log-format conformance: hand-made sample logs, hand-computed compliance, tmse's own log lines."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tmse.core.context import request_id_var
from tmse.core.observability import JsonFormatter
from tmse.integrations.conformance import Violation
from tmse.integrations.json_logs.checks import (
    BAD_LEVEL,
    BAD_TIMESTAMP,
    DEFAULT_LEVELS,
    DEFAULT_REQUIRED_FIELDS,
    MISSING_FIELD,
    MISSING_MESSAGE,
    NAIVE_TIMESTAMP,
    NOT_JSON,
    SECRET,
    LogFormatRules,
    check_log_lines,
    redact,
)

# Fake credentials are assembled at run time so no scanner mistakes this file for a leak.
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5" * 4
AWS_KEY_ID = "AKIA" + "ABCDEFGHIJKLMNOP"
JWT = "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0" + ".c2lnbmF0dXJlLXZhbHVl"
PASSWORD = "hunter2-correct-horse"


def line(**fields: Any) -> str:
    base: dict[str, Any] = {
        "timestamp": "2026-11-25T18:05:23.123Z",
        "level": "info",
        "service": "billing",
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "message": "invoice created",
    }
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not None})


def only(violations: tuple[Violation, ...]) -> Violation:
    assert len(violations) == 1, violations
    return violations[0]


SAMPLE = [
    line(),  # 1 compliant
    "2026-11-25 18:05:23 INFO billing invoice created",  # 2 plain text
    line(trace_id=None),  # 3 no trace id
    line(level="verbose"),  # 4 unknown level
    line(timestamp="2026-11-25T18:05:23"),  # 5 naive timestamp
    line(password=PASSWORD),  # 6 secret under a secret-named key
    "",  # 7 blank: skipped, not counted
    json.dumps(  # 8 aliases and nested fields
        {
            "@timestamp": "2026-11-25T18:05:23+08:00",
            "severity": "WARN",
            "service": {"name": "billing"},
            "trace": {"id": "abc123"},
            "message": "slow",
        }
    ),
    line(message=f"login failed for bob password={PASSWORD}"),  # 9 secret in message text
    line(message="retrying", attempt=2),  # 10 compliant
]


def test_sample_log_compliance_is_hand_computed() -> None:
    report = check_log_lines(SAMPLE)
    # Nine non-blank lines; 2, 3, 4, 5, 6 and 9 fail, 1, 8 and 10 pass: 3 / 9.
    assert report.lines_checked == 9
    assert report.lines_passing == 3
    assert report.compliance_percent == 33.33
    assert [r.line for r in report.flagged_lines] == [2, 3, 4, 5, 6, 9]
    assert report.counts_by_rule == {
        BAD_LEVEL: 1,
        MISSING_FIELD: 1,
        NAIVE_TIMESTAMP: 1,
        NOT_JSON: 1,
        SECRET: 2,
    }


def test_each_violation_kind_has_line_severity_and_hint() -> None:
    report = check_log_lines(SAMPLE)

    not_json = only(report.violations_on(2))
    assert (not_json.rule, not_json.severity, not_json.location) == (NOT_JSON, "error", "line 2")
    assert not_json.fix_hint == "emit one JSON object per line"

    missing = only(report.violations_on(3))
    assert (missing.rule, missing.severity) == (MISSING_FIELD, "error")
    assert missing.location == "line 3, field trace_id"
    assert "traceId" in missing.fix_hint and "trace.id" in missing.fix_hint

    level = only(report.violations_on(4))
    assert (level.rule, level.severity, level.location) == (
        BAD_LEVEL,
        "error",
        "line 4, field level",
    )
    assert "verbose" in level.message and "warning" in level.fix_hint

    naive = only(report.violations_on(5))
    assert (naive.rule, naive.severity) == (NAIVE_TIMESTAMP, "error")
    assert naive.location == "line 5, field timestamp"
    assert "Z" in naive.fix_hint

    for number, field in ((6, "password"), (9, "message")):
        secret = only(report.violations_on(number))
        assert (secret.rule, secret.severity) == (SECRET, "error")
        assert secret.location == f"line {number}, field {field}"
        assert PASSWORD not in secret.message and PASSWORD not in secret.fix_hint
        assert redact(PASSWORD) in secret.message


def test_aliases_and_nested_fields_are_accepted() -> None:
    flat_dotted = json.dumps(
        {
            "ts": "2026-11-25T10:00:00.5-05:00",
            "lvl": "debug",
            "service.name": "billing",
            "traceId": "abc",
            "message": "x",
        }
    )
    other_aliases = json.dumps(
        {"time": "2026-11-25T10:00:00z", "level": "ERROR", "app": "billing", "trace_id": "abc"}
        | {"message": "x"}
    )
    report = check_log_lines([flat_dotted, other_aliases, SAMPLE[7]])
    assert report.flagged_lines == ()
    assert report.compliance_percent == 100.0


def test_empty_or_object_values_do_not_satisfy_a_required_field() -> None:
    report = check_log_lines([line(service=""), line(service={"team": "payments"})])
    assert [v.location for v in report.violations] == [
        "line 1, field service",
        "line 2, field service",
    ]


def test_unparseable_timestamp_and_missing_message() -> None:
    report = check_log_lines(
        [line(timestamp=1764093923), line(timestamp="yesterday", message=None)]
    )
    first = only(report.violations_on(1))
    assert (first.rule, first.location) == (BAD_TIMESTAMP, "line 1, field timestamp")
    rules = [(v.rule, v.severity) for v in report.violations_on(2)]
    assert rules == [(BAD_TIMESTAMP, "error"), (MISSING_MESSAGE, "warning")]


def test_warnings_alone_do_not_fail_a_line() -> None:
    report = check_log_lines([line(message=None)])
    assert only(report.violations_on(1)).severity == "warning"
    assert report.lines_passing == 1


def test_secrets_under_secret_named_keys_anywhere_in_the_object() -> None:
    report = check_log_lines(
        [
            line(user={"name": "bob", "credentials": {"apiKey": "k-1234567890abcdef"}}),
            line(headers={"Authorization": f"Bearer {JWT}"}),
            line(db={"password": "***"}, client_secret="[REDACTED]", token_count=3),
            line(accessToken="s3cr3t"),
        ]
    )
    assert [v.location for v in report.violations] == [
        "line 1, field user.credentials.apiKey",
        "line 2, field headers.Authorization",
        "line 4, field accessToken",
    ]
    assert report.violations_on(3) == ()  # redacted values and a mere count are fine
    assert "k-1234567890abcdef" not in report.violations[0].message
    assert "s3cr3t" not in report.violations[2].message and "***" in report.violations[2].message


def test_token_shapes_in_message_text_are_detected_and_redacted() -> None:
    private_key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"
    messages = [
        f"calling api with Authorization: Bearer {JWT}",
        f"decoded {JWT}",
        f"aws key {AWS_KEY_ID} loaded",
        f"cloned with {GITHUB_TOKEN}",
        private_key,
        "config api_key: 'abcdef123456'",
        "password=***",  # already redacted
    ]
    report = check_log_lines([line(message=m) for m in messages])
    assert [r.line for r in report.flagged_lines] == [1, 2, 3, 4, 5, 6]
    found = report.violations
    # "Bearer <jwt>" is one secret, reported once.
    assert len(found) == 6
    assert "bearer token" in found[0].message
    assert "JSON Web Token" in found[1].message
    assert "AWS access key id" in found[2].message
    assert "GitHub token" in found[3].message
    assert "private key block" in found[4].message
    assert "api_key" in found[5].message
    text = " ".join(v.message for v in found)
    for secret in (JWT, AWS_KEY_ID, GITHUB_TOKEN, "MIIEowIBAAKCAQEA", "abcdef123456"):
        assert secret not in text


def test_prose_that_resembles_credentials_is_not_flagged() -> None:
    messages = [
        "basic information about the bearer of this invoice",
        "token budget exceeded for tenant",
        "reset password link sent",
        "authorization: Basic dXNlcjpwYXNzd29yZA==",
    ]
    report = check_log_lines([line(message=m) for m in messages])
    assert [r.line for r in report.flagged_lines] == [4]
    assert "basic credentials" in report.violations[0].message


def test_plain_text_logs_are_reported_and_still_scanned_for_secrets() -> None:
    report = check_log_lines(
        [
            "INFO starting billing",
            f"DEBUG connecting password={PASSWORD}",
            "[1, 2, 3]",
        ]
    )
    assert report.lines_passing == 0
    assert report.counts_by_rule == {NOT_JSON: 3, SECRET: 1}
    assert "JSON list, not an object" in report.violations_on(3)[0].message
    secret = report.violations_on(2)[1]
    assert secret.location == "line 2" and PASSWORD not in secret.message


def test_redact_never_returns_the_whole_secret() -> None:
    assert redact("short") == "***"
    assert redact(GITHUB_TOKEN) == f"ghp_… ({len(GITHUB_TOKEN)} chars)"


def test_rules_are_configurable() -> None:
    rules = LogFormatRules(
        required_fields={"timestamp": ("ts",), "level": ("level",)},
        allowed_levels=frozenset({"INFO"}),
        levels_case_sensitive=True,
        message_field="msg",
        check_secrets=False,
    )
    ok = json.dumps({"ts": "2026-11-25T00:00:00Z", "level": "INFO", "msg": "password=x"})
    bad = json.dumps({"ts": "2026-11-25T00:00:00Z", "level": "info", "msg": "m"})
    report = check_log_lines([ok, bad], rules)
    assert only(report.violations_on(2)).rule == BAD_LEVEL
    assert report.lines_passing == 1


def test_no_lines_is_fully_compliant() -> None:
    report = check_log_lines(["", "  "])
    assert (report.lines_checked, report.compliance_percent) == (0, 100.0)


SAFE_TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-", min_size=1, max_size=30)
ZONES = st.builds(
    timezone, st.timedeltas(min_value=timedelta(hours=-14), max_value=timedelta(hours=14))
)


@given(
    aliases=st.tuples(*(st.sampled_from(names) for names in DEFAULT_REQUIRED_FIELDS.values())),
    moment=st.datetimes(timezones=ZONES),
    level=st.sampled_from(sorted(DEFAULT_LEVELS)),
    case=st.sampled_from([str.lower, str.upper, str.title]),
    service=SAFE_TEXT,
    trace=SAFE_TEXT,
    message=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-", max_size=60),
)
def test_any_line_built_from_the_required_fields_passes(
    aliases: tuple[str, ...],
    moment: datetime,
    level: str,
    case: Any,
    service: str,
    trace: str,
    message: str,
) -> None:
    entry: dict[str, Any] = {"message": message}
    values = (moment.isoformat(), case(level), service, trace)
    for alias, value in zip(aliases, values, strict=True):
        node = entry
        *parents, leaf = alias.split(".")
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    report = check_log_lines([json.dumps(entry)])
    assert report.flagged_lines == (), report.violations


def tmse_log_line(message: str, **extra: Any) -> str:
    # Through the installed factory, as logging does, so the request id is captured.
    make_record = logging.getLogRecordFactory()
    record = make_record("tmse.http", logging.INFO, __file__, 1, message, None, None)
    record.__dict__.update(extra)
    formatter = JsonFormatter()
    # configure_logging() switches logging to UTC; do the same on this formatter only.
    formatter.converter = time.gmtime
    return formatter.format(record)


def test_tmse_own_log_lines_lack_only_service_and_trace_id() -> None:
    token = request_id_var.set("0af7651916cd43dd8448eb211c80319c")
    try:
        own = tmse_log_line("request", method="GET", status=200)
    finally:
        request_id_var.reset(token)
    report = check_log_lines([own])
    assert [(v.rule, v.location) for v in report.violations] == [
        (MISSING_FIELD, "line 1, field service"),
        (MISSING_FIELD, "line 1, field trace_id"),
    ]
    # Under rules that take the logger as the service and the request id as the trace id, it passes.
    tmse_rules = LogFormatRules(
        required_fields=dict(DEFAULT_REQUIRED_FIELDS)
        | {"service": ("service", "logger"), "trace_id": ("trace_id", "request_id")}
    )
    assert check_log_lines([own], tmse_rules).flagged_lines == ()


def test_tmse_log_line_outside_a_request_and_with_a_leaked_secret() -> None:
    tmse_rules = LogFormatRules(
        required_fields={"timestamp": ("ts",), "level": ("level",), "trace_id": ("request_id",)}
    )
    leaked = tmse_log_line("login", password=PASSWORD)
    report = check_log_lines([leaked], tmse_rules)
    assert [(v.rule, v.location) for v in report.violations] == [
        (MISSING_FIELD, "line 1, field trace_id"),  # request_id is null outside a request
        (SECRET, "line 1, field password"),
    ]
    assert PASSWORD not in report.violations[1].message
