"""JUnit XML test results, as pytest (--junitxml), Maven Surefire, Gradle and jest-junit write
them: a `testsuites` root or a bare `testsuite`, suites possibly nested."""

from __future__ import annotations

from tmse.integrations.coverage_reports.model import FailingTest, ReportFormat, TestReport
from tmse.integrations.coverage_reports.values import (
    XmlNode,
    children,
    local_name,
    seconds,
    shortened,
)

# Each testcase counts once, by its outcome element: error (an unexpected exception), failure (an
# assertion), skipped; none of them means it passed. Surefire's flakyFailure / rerunFailure
# record earlier attempts of a test that passed in the end, so they do not count. The suites'
# own tests/failures attributes are not trusted over the testcases they hold.
MESSAGE_LIMIT = 500
LISTED_LIMIT = 100


def is_junit(root: XmlNode) -> bool:
    return local_name(root) in {"testsuites", "testsuite"}


def read_junit(
    root: XmlNode, message_limit: int = MESSAGE_LIMIT, listed_limit: int = LISTED_LIMIT
) -> TestReport:
    tests = failed = errors = skipped = 0
    failing: list[FailingTest] = []
    pending: list[tuple[XmlNode, str, str]] = [(root, "", local_name(root))]
    while pending:
        node, suite, where = pending.pop()
        if local_name(node) == "testsuite":
            suite = node.attrib.get("name", suite)
        cases = 0
        nested: list[tuple[XmlNode, str, str]] = []
        for child in node:
            name = local_name(child)
            if name == "testsuite":
                nested.append((child, suite, f"{where}/testsuite[{len(nested) + 1}]"))
            elif name == "testcase":
                cases += 1
                tests += 1
                outcome = _outcome(child)
                if outcome is None:
                    continue
                kind, element = outcome
                if kind == "skipped":
                    skipped += 1
                    continue
                if kind == "error":
                    errors += 1
                else:
                    failed += 1
                if len(failing) < listed_limit:
                    failing.append(_failing(child, suite, kind, element, message_limit))
            seconds(child.attrib.get("time"), "time", f"{where}/{name}")
        pending.extend(reversed(nested))  # suites in document order
    return TestReport(
        format=ReportFormat.JUNIT,
        tests=tests,
        failed=failed,
        errors=errors,
        skipped=skipped,
        time_seconds=_total_time(root),
        failing=tuple(failing),
    )


def _outcome(case: XmlNode) -> tuple[str, XmlNode] | None:
    found = {local_name(child): child for child in reversed(list(case))}
    for kind in ("error", "failure", "skipped"):
        if kind in found:
            return kind, found[kind]
    return None


def _failing(case: XmlNode, suite: str, kind: str, element: XmlNode, limit: int) -> FailingTest:
    message = element.attrib.get("message") or next(
        (line for line in (element.text or "").splitlines() if line.strip()), ""
    )
    return FailingTest(
        suite=shortened(suite, 200),
        class_name=shortened(case.attrib.get("classname") or case.attrib.get("class"), 200),
        name=shortened(case.attrib.get("name"), 200),
        kind=kind,
        message=shortened(message, limit),
        type=shortened(element.attrib.get("type"), 200),
    )


def _total_time(root: XmlNode) -> float:
    """The root's time, else the sum of its suites' times, else of its testcases' times."""
    if root.attrib.get("time"):
        return seconds(root.attrib.get("time"), "time", local_name(root))
    for kind in ("testsuite", "testcase"):
        parts = [child.attrib.get("time") for child in children(root, kind)]
        if any(parts):
            return round(sum(seconds(part, "time", kind) for part in parts), 6)
    return 0.0
