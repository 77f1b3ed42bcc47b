"""The custom rule kind: a condition on a reported fact (at a path) or on a catalog field."""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping
from typing import Any

from tmse.core.messages import NP_, Message, message
from tmse.standards.registry.check_types import OK, CustomParams, Outcome, Subject, missing_fact

# The shipped rules' fact paths named for readers; any other path is shown as written.
FACT_PATH_LABELS: Mapping[str, Message] = {
    "lint errors": NP_("fact path", "lint errors"),
    "lint warnings": NP_("fact path", "lint warnings"),
}


_COMPARE: Mapping[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "in": lambda actual, expected: actual in expected,
    "not-in": lambda actual, expected: actual not in expected,
    "contains": lambda actual, expected: expected in actual,
}


_MISSING = object()


def _lookup(value: Any, path: str) -> Any:
    for part in [p for p in path.split(".") if p]:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def custom(subject: Subject, params: CustomParams) -> list[Outcome]:
    if params.fact is not None:
        fact = subject.facts.get(params.fact)
        if fact is None:
            return [missing_fact(params.fact)]
        where = f"fact:{params.fact}" + (f" {params.path}" if params.path else "")
        actual = _lookup(fact.value, params.path)
    else:
        where = f"service:{params.field}"
        actual = getattr(subject, params.field or "")
        actual = _MISSING if actual is None else actual
    subject_path = where.partition(":")[2]
    named = FACT_PATH_LABELS.get(subject_path, subject_path)
    if params.op == "exists":
        passed = actual is not _MISSING
    elif actual is _MISSING:
        unset = message("{name} is not set", name=named)
        return [Outcome(False, unset, where)]
    else:
        try:
            passed = bool(_COMPARE[params.op](actual, params.value))
        except TypeError:
            passed = False
    if passed:
        return [Outcome(True, OK, where)]
    shown = message(
        "{subject} {op} {value}", subject=named, op=params.op, value=json.dumps(params.value)
    )
    return [
        Outcome(
            False, message("expected {rule}, got {actual}", rule=shown, actual=repr(actual)), where
        )
    ]
