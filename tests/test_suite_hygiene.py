"""The test suite's own rules: shared helpers come from tests/helpers (or fixtures), story tests
are split into named steps, no test asserts on the wall clock, and a browser test never turns
a failure into a skip."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
HELPERS = TESTS / "helpers"
MAX_TEST_LINES = 150
CLOCKS = frozenset({"time", "perf_counter", "monotonic", "process_time", "perf_counter_ns"})
DURATION_NAMES = ("elapsed", "duration", "took", "seconds")
# Turning an outcome into a skip or an expected failure; browser_missing() is the one way.
SKIPS = frozenset({"skip", "xfail", "importorskip", "skipif"})


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(TESTS.rglob("*.py")):
        if HELPERS not in path.parents:
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _name(path: Path) -> str:
    return str(path.relative_to(TESTS.parent))


def test_tests_import_shared_code_only_from_tests_helpers() -> None:
    wrong = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                modules = [("." * node.level) + (node.module or "")]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                local = module.startswith((".", "tests.")) or module == "tests"
                if local and not (module == "tests.helpers" or module.startswith("tests.helpers.")):
                    wrong.append(f"{_name(path)}:{node.lineno} imports {module}")
    assert not wrong, "move shared code to tests/helpers or a fixture:\n" + "\n".join(wrong)


def test_no_test_function_is_longer_than_a_story_step() -> None:
    long = [
        f"{_name(path)}:{node.lineno} {node.name} has {_length(node)} lines"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test")
        and _length(node) > MAX_TEST_LINES
    ]
    assert not long, f"split into named steps (at most {MAX_TEST_LINES} lines):\n" + "\n".join(long)


def _length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    return (node.end_lineno or node.lineno) - node.lineno + 1


def _reads_the_clock(node: ast.AST) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute | ast.Name):
            called = inner.func.attr if isinstance(inner.func, ast.Attribute) else inner.func.id
            if called in CLOCKS and not (isinstance(inner.func, ast.Name) and called == "time"):
                return True
        if isinstance(inner, ast.Name) and inner.id.lower().startswith(DURATION_NAMES):
            return True
        if isinstance(inner, ast.Compare) and any(
            isinstance(part, ast.Constant)
            and isinstance(part.value, str)
            and part.value.lower().startswith(DURATION_NAMES)
            for part in ast.walk(inner)
        ):
            return True  # answer["elapsed_ms"] < 50
    return False


def test_no_assertion_on_the_wall_clock() -> None:
    timed = [
        f"{_name(path)}:{node.lineno}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert) and _reads_the_clock(node.test)
    ]
    assert not timed, "assert behaviour; timings belong in benchmarks/:\n" + "\n".join(timed)


def test_browser_tests_fail_rather_than_skip() -> None:
    skipping = []
    for path, tree in _modules():
        if "e2e" not in path.relative_to(TESTS).parts:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in SKIPS
                and isinstance(node.value, ast.Name | ast.Attribute)
                and ast.unparse(node.value) in ("pytest", "pytest.mark")
            ):
                skipping.append(f"{_name(path)}:{node.lineno} {ast.unparse(node)}")
    assert not skipping, "only tests.helpers.browser.browser_missing may skip:\n" + "\n".join(
        skipping
    )


CLOCK_RULE = "test_no_assertion_on_the_wall_clock"
BREACHES = [
    ("test_tests_import_shared_code_only_from_tests_helpers", "from tests.e2e.test_shell import x"),
    ("test_no_test_function_is_longer_than_a_story_step", "def test_x():\n" + "    x()\n" * 150),
    (CLOCK_RULE, "def test_x():\n    assert time.monotonic() - t < 2"),
    (CLOCK_RULE, 'def test_x():\n    assert answer["elapsed_ms"] < 50'),
    ("test_browser_tests_fail_rather_than_skip", "import pytest\npytest.skip('flaky')"),
]


@pytest.mark.parametrize(("rule", "source"), BREACHES)
def test_each_rule_catches_its_breach(
    rule: str, source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "e2e"
    folder.mkdir()
    (folder / "test_breach.py").write_text(source, encoding="utf-8")
    monkeypatch.setitem(globals(), "TESTS", tmp_path)
    monkeypatch.setitem(globals(), "HELPERS", tmp_path / "helpers")
    with pytest.raises(AssertionError):
        globals()[rule]()
