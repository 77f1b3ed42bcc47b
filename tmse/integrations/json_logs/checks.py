"""Log-format conformance: JSON lines, required fields, known levels, zoned times, no secrets."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tmse.core.messages import N_, Message, message
from tmse.integrations.conformance import Severity, Violation
from tmse.integrations.json_logs.parse_problems import parse_problem
from tmse.integrations.json_text import JsonRefused, load_json

NOT_JSON = "log.not-json"
MISSING_FIELD = "log.missing-field"
MISSING_MESSAGE = "log.missing-message"
BAD_LEVEL = "log.bad-level"
BAD_TIMESTAMP = "log.bad-timestamp"
NAIVE_TIMESTAMP = "log.naive-timestamp"
SECRET = "log.secret"  # noqa: S105 - a finding code

DEFAULT_REQUIRED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "timestamp": ("timestamp", "ts", "@timestamp", "time"),
    "level": ("level", "severity", "lvl"),
    "service": ("service", "service.name", "app"),
    "trace_id": ("trace_id", "traceId", "trace.id"),
}
DEFAULT_LEVELS = frozenset(
    {"trace", "debug", "info", "notice", "warn", "warning", "error", "critical", "fatal"}
)
# Words that make a key secret-bearing, unless a harmless word says it is only about the secret.
DEFAULT_SECRET_KEY_WORDS = frozenset(
    {"password", "passwd", "pwd", "secret", "token", "apikey", "authorization", "credentials"}
)
DEFAULT_HARMLESS_KEY_WORDS = frozenset(
    {"count", "type", "ttl", "expiry", "expires", "length", "name", "id", "hint", "policy"}
)

SECRET_HINT = message(
    "remove the secret or log it redacted (e.g. '***'); it has been exposed, rotate it"
)

# Shapes of credentials that are secret wherever they appear, with a label for the report;
# lengths and header names keep prose ("basic information", "the bearer of") out.
_TOKEN_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (N_("private key block"), re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")),
    (N_("bearer token"), re.compile(r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{16,}=*)")),
    (
        N_("JSON Web Token"),
        re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
    ),
    (
        N_("basic credentials"),
        re.compile(r"(?i)\bauthorization[\"']?\s*[=:]\s*[\"']?basic\s+([A-Za-z0-9+/]{8,}={0,2})"),
    ),
    (N_("AWS access key id"), re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        N_("GitHub token"),
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    ),
    (N_("Slack token"), re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    (N_("Stripe secret key"), re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}")),
)
# `password=hunter2` or `"api_key": "abc"` written inside free text.
_KEY_VALUE_IN_TEXT = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|client[_-]?secret|token|access[_-]?token|api[_-]?key)"
    r"[\"']?\s*[=:]\s*[\"']?([^\s,;&\"'}]+)"
)
_REDACTED_WORDS = frozenset({"redacted", "filtered", "masked", "hidden", "removed", "none", "null"})
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class LogFormatRules:
    """What a compliant log line looks like; every part can be changed per organisation."""

    required_fields: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_REQUIRED_FIELDS)
    )
    allowed_levels: frozenset[str] = DEFAULT_LEVELS
    levels_case_sensitive: bool = False
    timestamp_field: str | None = "timestamp"
    level_field: str | None = "level"
    message_field: str | None = "message"
    check_secrets: bool = True
    secret_key_words: frozenset[str] = DEFAULT_SECRET_KEY_WORDS
    harmless_key_words: frozenset[str] = DEFAULT_HARMLESS_KEY_WORDS

    def aliases(self, name: str) -> tuple[str, ...]:
        """Accepted names (dotted paths allowed) of one required field."""
        return self.required_fields.get(name, (name,))


@dataclass(frozen=True)
class LineResult:
    """The violations found on one line (1-based number)."""

    line: int
    violations: tuple[Violation, ...]

    @property
    def passed(self) -> bool:
        return not any(v.severity == "error" for v in self.violations)


@dataclass(frozen=True)
class LogCheckReport:
    """Flagged lines plus the summary; a line passes when it has no error-severity violation."""

    flagged_lines: tuple[LineResult, ...]
    lines_checked: int
    lines_passing: int
    counts_by_rule: Mapping[str, int]

    @property
    def compliance_percent(self) -> float:
        if self.lines_checked == 0:
            return 100.0
        return round(100.0 * self.lines_passing / self.lines_checked, 2)

    @property
    def violations(self) -> tuple[Violation, ...]:
        return tuple(v for result in self.flagged_lines for v in result.violations)

    def violations_on(self, line: int) -> tuple[Violation, ...]:
        """Violations of one line, empty when it is clean or was not checked."""
        return next((r.violations for r in self.flagged_lines if r.line == line), ())


def check_log_lines(lines: Iterable[str], rules: LogFormatRules | None = None) -> LogCheckReport:
    """Check each line against the rules; blank lines are skipped but keep their numbers."""
    rules = rules or LogFormatRules()
    flagged: list[LineResult] = []
    counts: Counter[str] = Counter()
    checked = passing = 0
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        checked += 1
        result = LineResult(number, tuple(check_log_line(text, number, rules)))
        passing += result.passed
        if result.violations:
            flagged.append(result)
            counts.update(v.rule for v in result.violations)
    return LogCheckReport(tuple(flagged), checked, passing, dict(sorted(counts.items())))


def check_log_line(text: str, number: int, rules: LogFormatRules) -> list[Violation]:
    """Violations of a single line, located as "line N" or "line N, field path"."""
    where = f"line {number}"
    try:
        entry = load_json(text)
    except JsonRefused as error:
        entry = None
        problem = message(
            "line is not JSON ({error} at column {column})",
            error=parse_problem(error.message),
            column=error.column,
        )
    else:
        problem = message("line is JSON {kind}, not an object", kind=type(entry).__name__)
    if not isinstance(entry, dict):
        hint = message("emit one JSON object per line")
        found = [_violation(NOT_JSON, "error", where, problem, hint)]
        if rules.check_secrets:
            found += [_secret(where, label, shown) for label, shown in _secrets_in_text(text)]
        return found
    found = _field_violations(entry, where, rules)
    if rules.check_secrets:
        found += [
            _secret(f"{where}, field {path}", label, shown)
            for path, label, shown in _secrets_in_entry(entry, rules)
        ]
    return found


def redact(secret: str) -> str:
    """A recognisable but useless stand-in: at most the first four characters of a long secret."""
    if len(secret) >= 12:
        return f"{secret[:4]}… ({len(secret)} chars)"
    return "***"


def _violation(
    rule: str, severity: Severity, where: str, finding: Message, hint: Message
) -> Violation:
    return Violation(rule=rule, severity=severity, location=where, finding=finding, hint=hint)


def _secret(where: str, label: Message, shown: str) -> Violation:
    finding = message("{kind} in log: {shown}", kind=label, shown=shown)
    return _violation(SECRET, "error", where, finding, SECRET_HINT)


def _field_violations(entry: dict[str, Any], where: str, rules: LogFormatRules) -> list[Violation]:
    found: list[Violation] = []
    located: dict[str, tuple[str, Any]] = {}
    for name, aliases in rules.required_fields.items():
        hit = _first_present(entry, aliases)
        if hit is None:
            found.append(
                _violation(
                    MISSING_FIELD,
                    "error",
                    f"{where}, field {name}",
                    message("required field '{name}' is missing or empty", name=name),
                    message(
                        "add '{name}' (accepted names: {aliases})",
                        name=name,
                        aliases=", ".join(aliases),
                    ),
                )
            )
        else:
            located[name] = hit
    if rules.timestamp_field:
        hit = located.get(rules.timestamp_field) or _first_present(
            entry, rules.aliases(rules.timestamp_field)
        )
        if hit is not None:
            found += _timestamp_violations(hit[0], hit[1], where)
    if rules.level_field:
        hit = located.get(rules.level_field) or _first_present(
            entry, rules.aliases(rules.level_field)
        )
        if hit is not None and not _level_allowed(hit[1], rules):
            found.append(
                _violation(
                    BAD_LEVEL,
                    "error",
                    f"{where}, field {hit[0]}",
                    message("level {level} is not an allowed level", level=repr(str(hit[1])[:20])),
                    message("use one of: {levels}", levels=", ".join(sorted(rules.allowed_levels))),
                )
            )
    if rules.message_field and _lookup(entry, rules.message_field) is None:
        found.append(
            _violation(
                MISSING_MESSAGE,
                "warning",
                f"{where}, field {rules.message_field}",
                message("no '{field}' field", field=rules.message_field),
                message("put the human-readable text in '{field}'", field=rules.message_field),
            )
        )
    return found


def _timestamp_violations(path: str, value: Any, where: str) -> list[Violation]:
    location = f"{where}, field {path}"
    parsed = _parse_timestamp(value) if isinstance(value, str) else None
    if parsed is None:
        return [
            _violation(
                BAD_TIMESTAMP,
                "error",
                location,
                message(
                    "timestamp {value} is not ISO 8601 / RFC 3339", value=repr(str(value)[:40])
                ),
                message("write RFC 3339 with a zone, e.g. 2026-11-25T18:05:23.123Z"),
            )
        ]
    if parsed.utcoffset() is None:
        return [
            _violation(
                NAIVE_TIMESTAMP,
                "error",
                location,
                message(
                    "timestamp {value} has no zone, so its instant is ambiguous", value=repr(value)
                ),
                message("add a zone offset, e.g. a trailing Z for UTC or +08:00"),
            )
        ]
    return []


def _parse_timestamp(text: str) -> datetime | None:
    candidate = text.strip()
    # RFC 3339 allows a lower-case z; fromisoformat only knows the upper-case one.
    if candidate[-1:] == "z":
        candidate = candidate[:-1] + "Z"
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _level_allowed(value: Any, rules: LogFormatRules) -> bool:
    if not isinstance(value, str):
        return False
    if rules.levels_case_sensitive:
        return value in rules.allowed_levels
    return value.lower() in {level.lower() for level in rules.allowed_levels}


def _lookup(entry: Mapping[str, Any], path: str) -> Any:
    """Value at a dotted path: a literal flat key ("service.name") wins over nesting."""
    if path in entry:
        return entry[path]
    node: Any = entry
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _first_present(entry: Mapping[str, Any], aliases: Iterable[str]) -> tuple[str, Any] | None:
    # An object or an empty string under an alias (e.g. "service": {"name": ...}) is no value;
    # the next alias may still hold one.
    for alias in aliases:
        value = _lookup(entry, alias)
        if value is not None and value != "" and not isinstance(value, Mapping | list):
            return alias, value
    return None


def _secrets_in_entry(
    entry: Any, rules: LogFormatRules, path: str = ""
) -> Iterator[tuple[str, Message, str]]:
    """(field path, kind of secret, redacted value) for every secret in a parsed line."""
    if isinstance(entry, Mapping):
        for key, value in entry.items():
            child = f"{path}.{key}" if path else str(key)
            if (
                _is_secret_key(str(key), rules)
                and isinstance(value, str | int)
                and not isinstance(value, bool)
            ):
                if not _is_redacted(str(value)):
                    yield (
                        child,
                        message("secret-named field '{key}'", key=str(key)),
                        redact(str(value)),
                    )
                continue
            yield from _secrets_in_entry(value, rules, child)
    elif isinstance(entry, list):
        for index, item in enumerate(entry):
            yield from _secrets_in_entry(item, rules, f"{path}[{index}]")
    elif isinstance(entry, str):
        for label, shown in _secrets_in_text(entry):
            yield path, label, shown


def _secrets_in_text(text: str) -> Iterator[tuple[Message, str]]:
    """(kind of secret, redacted value) for every credential shape in free text, once per span."""
    taken: list[tuple[int, int]] = []

    def fresh(match: re.Match[str]) -> bool:
        # "Bearer eyJ..." is one secret, not a bearer token plus a JWT.
        start, end = match.span()
        if any(start < done_end and done_start < end for done_start, done_end in taken):
            return False
        taken.append((start, end))
        return True

    for label, pattern in _TOKEN_SHAPES:
        for match in pattern.finditer(text):
            if not fresh(match):
                continue
            if label == "private key block":
                yield Message(label), "[key material not shown]"
            else:
                yield Message(label), redact(match.group(match.lastindex or 0))
    for match in _KEY_VALUE_IN_TEXT.finditer(text):
        value = match.group(2)
        if not _is_redacted(value) and fresh(match):
            yield message("'{key}=' in text", key=match.group(1)), redact(value)


def _is_secret_key(key: str, rules: LogFormatRules) -> bool:
    words = re.split(r"[^a-z0-9]+", _CAMEL_BOUNDARY.sub("_", key).lower())
    joined = "".join(words)
    named = any(word in rules.secret_key_words for word in words) or any(
        secret in joined for secret in ("apikey", "privatekey", "clientsecret", "accesskey")
    )
    return named and not any(word in rules.harmless_key_words for word in words)


def _is_redacted(value: str) -> bool:
    stripped = value.strip().strip("[]<>()\"'")
    return (
        not stripped
        or set(stripped) <= set("*xX#•.-")
        or stripped.lower() in _REDACTED_WORDS
        or "***" in stripped
    )
