"""Coverage and test reports as CI tools write them: totals and per-file lines hand-checked
against the samples, the format found from the content, and every hostile report refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.xml_bombs import LAUGHS, XXE
from tmse.core.messages import Message
from tmse.integrations.coverage_reports import (
    CoverageReport,
    ReportError,
    ReportFormat,
    TestReport,
    errors,
    normalise_path,
    read_report,
)

SAMPLES = Path(__file__).parent / "fixtures" / "coverage_reports"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def coverage(content: bytes | str, name: str | None = None, **options: str) -> CoverageReport:
    report = read_report(content, name, **options)  # type: ignore[arg-type]
    assert isinstance(report, CoverageReport)
    return report


def junit_report(content: bytes | str, name: str | None = None) -> TestReport:
    report = read_report(content, name)
    assert isinstance(report, TestReport)
    return report


def refusal(content: bytes | str, name: str | None = None, **options: int) -> ReportError:
    with pytest.raises(ReportError) as caught:
        read_report(content, name, **options)  # type: ignore[arg-type]
    return caught.value


# --- coverage.py `coverage xml` (7.18, --branch): 3 files, the same run as coverage.json ---


def test_coverage_py_xml_totals_come_from_the_root() -> None:
    report = coverage(sample("coverage-py.xml"), "coverage.xml")
    assert report.format is ReportFormat.COBERTURA
    # <coverage lines-valid="24" lines-covered="18" branches-valid="12" branches-covered="7">
    assert (report.lines_valid, report.lines_covered) == (24, 18)
    assert (report.branches_valid, report.branches_covered) == (12, 7)
    assert report.line_rate == 0.75  # 18 / 24
    assert report.sources == ("/home/runner/work/billing/billing",)


def test_coverage_py_xml_lines_per_file() -> None:
    report = coverage(sample("coverage-py.xml"))
    assert [file.path for file in report.files] == [
        "src/billing/__init__.py",  # a docstring only: listed, nothing coverable
        "src/billing/invoice.py",
        "src/billing/tax.py",
    ]
    invoice = report.file("src/billing/invoice.py")
    assert invoice is not None
    # 16 <line> elements; hits="0" on 8, 18, 19, 20.
    assert (invoice.lines_valid, invoice.lines_covered) == (16, 12)
    assert sorted(invoice.missed_lines) == [8, 18, 19, 20]
    assert invoice.line_hits()[7] is True and invoice.line_hits()[8] is False
    assert 2 not in invoice.line_hits()  # a blank line is not coverable
    # condition-coverage on lines 6 (2/2), 7 (1/2), 10 (2/2), 16 (1/2), 18 (0/2): 6 of 10.
    assert (invoice.branches_valid, invoice.branches_covered) == (10, 6)
    tax = report.file("src/billing/tax.py")
    assert tax is not None and sorted(tax.missed_lines) == [7, 12]
    assert (tax.branches_valid, tax.branches_covered) == (2, 1)  # line 6: 1/2


def test_coverage_py_json_agrees_with_its_xml() -> None:
    from_json = coverage(sample("coverage.json"), "coverage.json")
    from_xml = coverage(sample("coverage-py.xml"))
    assert from_json.format is ReportFormat.COVERAGE_PY_JSON
    # totals: num_statements 24, covered_lines 18, num_branches 12, covered_branches 7
    assert (from_json.lines_valid, from_json.lines_covered) == (24, 18)
    assert (from_json.branches_valid, from_json.branches_covered) == (12, 7)
    assert from_json.files == from_xml.files


# --- gcovr 8.8 --cobertura-pretty: lines repeat under methods and count once ---


def test_gcovr_lines_under_methods_are_not_counted_twice() -> None:
    report = coverage(sample("gcovr.xml"))
    # lines-valid="18" lines-covered="16": main.c 5 lines, ring.c 13 lines (not 26).
    assert (report.lines_valid, report.lines_covered) == (18, 16)
    ring = report.file("src/ring.c")
    assert ring is not None
    assert (ring.lines_valid, ring.lines_covered) == (13, 11)
    assert sorted(ring.missed_lines) == [6, 16]
    assert (ring.branches_valid, ring.branches_covered) == (4, 2)  # lines 5 and 15: 1/2 each


# --- Istanbul / nyc cobertura reporter ---


def test_istanbul_cobertura() -> None:
    report = coverage(sample("istanbul-cobertura.xml"))
    # cart.js 8 lines (5 and 11 missed) + format.js 4 lines (3 and 4 missed) = 12, 8 covered.
    assert (report.lines_valid, report.lines_covered) == (12, 8)
    # cart.js 1/2 + 2/2, format.js 0/2: 3 of 6.
    assert (report.branches_valid, report.branches_covered) == (6, 3)
    assert [(f.path, sorted(f.missed_lines)) for f in report.files] == [
        ("src/cart.js", [5, 11]),
        ("src/util/format.js", [3, 4]),
    ]


# --- JaCoCo ---


def test_jacoco_totals_from_the_report_counters() -> None:
    report = coverage(sample("jacoco.xml"), "jacoco.xml")
    assert report.format is ReportFormat.JACOCO
    # <counter type="LINE" missed="4" covered="8"/>: 12 lines, 8 covered.
    assert (report.lines_valid, report.lines_covered) == (12, 8)
    assert (report.branches_valid, report.branches_covered) == (6, 3)  # missed 3, covered 3
    assert (report.instructions_valid, report.instructions_covered) == (42, 27)  # 15 + 27


def test_jacoco_lines_per_source_file() -> None:
    report = coverage(sample("jacoco.xml"))
    assert [file.path for file in report.files] == [
        "com/example/shop/Cart.java",  # package name + sourcefile name
        "com/example/shop/pricing/Discounts.java",
    ]
    cart = report.file("com/example/shop/Cart.java")
    assert cart is not None
    # ci > 0 on 5, 8, 11, 12 and 18 (partly: mi=1 ci=2); ci = 0 on 9, 15, 16.
    assert sorted(cart.covered_lines) == [5, 8, 11, 12, 18]
    assert sorted(cart.missed_lines) == [9, 15, 16]
    assert (cart.branches_valid, cart.branches_covered) == (4, 1)  # line 8: 1+1, line 15: 2+0


# --- JUnit ---


def test_pytest_junitxml() -> None:
    report = junit_report(sample("junit-pytest.xml"), "junit.xml")
    assert report.format is ReportFormat.JUNIT
    # 5 testcases: 2 pass, 1 <failure>, 1 <error> (fixture setup), 1 <skipped>.
    counts = (report.tests, report.passed, report.failed, report.errors, report.skipped)
    assert counts == (5, 2, 1, 1, 1)
    assert report.time_seconds == 0.117
    failure, error = report.failing
    assert (failure.suite, failure.class_name, failure.name) == (
        "pytest",
        "tests.test_invoice",
        "test_discount_ten",
    )
    assert failure.kind == "failure"
    assert failure.message.startswith("AssertionError: assert 90.0 == 91")
    assert (error.name, error.kind) == ("test_total_from_price_list", "error")
    assert error.message == 'failed on setup with "FileNotFoundError: prices.csv"'


def test_surefire_bare_testsuite_and_a_flaky_pass() -> None:
    report = junit_report(sample("surefire.xml"), "TEST-com.example.shop.CartTest.xml")
    # 5 testcases; retriesCheckout has only a <flakyFailure> (passed on rerun): 2 passed.
    counts = (report.tests, report.passed, report.failed, report.errors, report.skipped)
    assert counts == (5, 2, 1, 1, 1)
    assert report.time_seconds == 0.187
    assert [(t.name, t.kind, t.type) for t in report.failing] == [
        ("totalIncludesVat", "failure", "org.opentest4j.AssertionFailedError"),
        ("loadsPriceList", "error", "java.io.FileNotFoundException"),
    ]
    assert report.failing[0].message == "expected: <2380> but was: <2000>"


def test_jest_junit_failure_without_a_message_attribute() -> None:
    report = junit_report(sample("jest-junit.xml"))
    # suites cart (4: 1 failure, 1 skipped) and format (2): 6 tests, 4 passed.
    assert (report.tests, report.passed, report.failed, report.skipped) == (6, 4, 1, 1)
    assert report.time_seconds == 1.843  # the testsuites root's own time
    (failure,) = report.failing
    assert failure.suite == "cart" and failure.name == "cart totals with VAT"
    # no message attribute: the first line of the text
    assert failure.message == "Error: expect(received).toBe(expected) // Object.is equality"


def test_suite_times_are_summed_when_the_root_has_none() -> None:
    text = (
        '<testsuites><testsuite name="a" time="1.5"><testcase name="x"/></testsuite>'
        '<testsuite name="b" time="2,000.25"><testsuite name="b.inner">'
        '<testcase name="y"><failure message="no"/></testcase></testsuite></testsuite></testsuites>'
    )
    report = junit_report(text)
    assert report.time_seconds == 2001.75  # 1.5 + 2000.25 (a thousands separator)
    assert report.failing[0].suite == "b.inner"  # the nearest suite


def test_long_messages_are_cut_and_long_lists_capped() -> None:
    cases = "".join(
        f'<testcase classname="c" name="t{n}"><failure message="{"x" * 2000}"/></testcase>'
        for n in range(150)
    )
    report = junit_report(f'<testsuite name="s">{cases}</testsuite>')
    assert report.failed == 150
    assert len(report.failing) == 100 and report.failing_left_out == 50
    assert len(report.failing[0].message) == 500 and report.failing[0].message.endswith("…")


# --- detection and paths ---


def test_the_content_decides_and_the_name_only_breaks_ties() -> None:
    assert junit_report(sample("surefire.xml"), "coverage.json").format is ReportFormat.JUNIT
    assert coverage(sample("coverage.json"), "report.xml").format is ReportFormat.COVERAGE_PY_JSON
    assert refusal(b"lines-valid=3", "coverage.xml").text == errors.MALFORMED_XML
    assert refusal(b"lines-valid=3", "coverage.json").text == errors.MALFORMED_JSON
    assert refusal(b"lines-valid=3").text == errors.UNKNOWN_FORMAT


@pytest.mark.parametrize(
    ("content", "hint"),
    [
        (b'<coverage clover="3.2.0"><project name="x"/></coverage>', "XML root element <coverage>"),
        (b"<html><body/></html>", "XML root element <html>"),
        (b'{"total": {"lines": {"total": 3}}}', "JSON without meta, files and totals"),
        (b"[1, 2]", "JSON without meta, files and totals"),
    ],
    ids=["clover", "html", "istanbul-json-summary", "json-list"],
)
def test_other_formats_are_named_unknown(content: bytes, hint: str) -> None:
    error = refusal(content)
    assert error.text == errors.UNKNOWN_FORMAT and error.params == {"hint": hint}


def test_an_empty_report_is_refused() -> None:
    assert refusal(b"  \n ").text == errors.EMPTY
    assert refusal("\ufeff").text == errors.EMPTY  # a byte order mark alone


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("./src/app.py", "src/app.py"),
        (".\\src\\app.py", "src/app.py"),
        ("src//lib/./app.py", "src/lib/app.py"),
        ("src/lib/../app.py", "src/app.py"),
        ("../shared/app.py", "../shared/app.py"),
        ("/home/runner/work/x//src/app.py", "/home/runner/work/x/src/app.py"),
        ("C:\\work\\x\\app.py", "C:/work/x/app.py"),
    ],
)
def test_paths_are_normalised(path: str, expected: str) -> None:
    assert normalise_path(path) == expected


COBERTURA_UNDER_SRC = """<?xml version="1.0" ?>
<coverage lines-valid="2" lines-covered="1" line-rate="0.5" branches-valid="0"
    branches-covered="0" branch-rate="0" version="7.18.0" timestamp="1" complexity="0">
  <sources><source>{source}</source></sources>
  <packages><package name="billing" line-rate="0.5" branch-rate="0" complexity="0">
    <classes><class name="invoice.py" filename="{filename}" line-rate="0.5" branch-rate="0">
      <methods/>
      <lines><line number="1" hits="1"/><line number="4" hits="0"/></lines>
    </class></classes>
  </package></packages>
</coverage>"""


@pytest.mark.parametrize(
    ("source", "filename", "root", "expected"),
    [
        # coverage run --source=src: file names are relative to the src root
        ("/home/runner/work/b/b/src", "billing/invoice.py", "/home/runner/work/b/b",
         "src/billing/invoice.py"),
        ("/home/runner/work/b/b/src", "billing/invoice.py", None, "billing/invoice.py"),
        ("src", ".\\billing\\invoice.py", None, "src/billing/invoice.py"),
        ("/elsewhere", "/home/runner/work/b/b/src/billing/invoice.py", "/home/runner/work/b/b/",
         "src/billing/invoice.py"),
    ],
    ids=["absolute-source-below-root", "no-root-given", "relative-source", "absolute-filename"],
)  # fmt: skip
def test_cobertura_source_roots_become_repository_paths(
    source: str, filename: str, root: str | None, expected: str
) -> None:
    text = COBERTURA_UNDER_SRC.format(source=source, filename=filename)
    options = {"repository_root": root} if root else {}
    report = coverage(text, **options)
    assert [file.path for file in report.files] == [expected]


# --- refusals ---


@pytest.mark.parametrize("text", [LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_declarations_are_refused(text: str) -> None:
    error = refusal(text, "report.xml")
    assert error.text == errors.REFUSED_XML
    assert "passwd" not in str(error) and "lol" not in str(error)


def test_malformed_xml_names_its_line() -> None:
    error = refusal(
        b'<?xml version="1.0"?>\n<testsuite name="s">\n<testcase name="t">\n</testsuite>'
    )
    assert error.text == errors.MALFORMED_XML and error.line == 4
    assert error.params["reason"] == "mismatched tag"


def test_an_unknown_encoding_is_malformed_xml() -> None:
    error = refusal(b'<?xml version="1.0" encoding="utf-99"?>\n<testsuite name="s"/>')
    assert (error.text, error.line) == (errors.MALFORMED_XML, 1)
    assert error.params["reason"] == "unknown encoding: utf-99"


def test_malformed_json_names_its_line() -> None:
    error = refusal(b'{"meta": {},\n "files": {,\n}')
    assert error.text == errors.MALFORMED_JSON and error.line == 2


def test_a_report_over_the_size_limit_is_refused_before_reading() -> None:
    error = refusal(sample("jacoco.xml"), max_bytes=1000)
    assert error.text == errors.TOO_LARGE
    assert error.params == {"size": len(sample("jacoco.xml")), "limit": 1000}
    assert read_report(sample("jacoco.xml"), max_bytes=len(sample("jacoco.xml")))  # at the limit


def test_absurd_nesting_is_refused() -> None:
    deep_xml = (
        '<testsuites name="x">' + "<testsuite>" * 100 + "</testsuite>" * 100 + "</testsuites>"
    )
    assert refusal(deep_xml).params == {"limit": 64}
    totals: object = 1
    for _ in range(20):
        totals = [totals]
    deep_json = json.dumps({"meta": {}, "files": {}, "totals": totals})
    assert refusal(deep_json).text == errors.TOO_DEEP
    assert refusal("[" * 100_000 + "]" * 100_000).text == errors.TOO_DEEP


def cobertura_line(attributes: str, root: str = 'lines-valid="1" lines-covered="1"') -> str:
    return (
        f"<coverage {root}><packages><package name='p'><classes>"
        f"<class name='a.py' filename='a.py'><lines><line {attributes}/></lines></class>"
        "</classes></package></packages></coverage>"
    )


@pytest.mark.parametrize(
    ("text", "message", "params"),
    [
        (cobertura_line('number="3" hits="-1"'), errors.NEGATIVE, {"name": "hits", "value": -1}),
        (cobertura_line('number="3" hits="many"'), errors.NOT_A_NUMBER,
         {"name": "hits", "value": "'many'"}),
        (cobertura_line('number="3" hits="10000000000"'), errors.ABSURD,
         {"name": "hits", "value": 10**10, "limit": 10**9}),
        (cobertura_line('number="0" hits="1"'), errors.LINE_NUMBER, {"value": 0}),
        (cobertura_line('hits="1"'), errors.MISSING, {"name": "line number"}),
        (cobertura_line('number="3" hits="1" branch="true" condition-coverage="150% (3/2)"'),
         errors.MORE_COVERED_THAN_VALID,
         {"covered": 3, "valid": 2, "name": "condition-coverage"}),
        (cobertura_line('number="3" hits="1"', 'lines-valid="10" lines-covered="11"'),
         errors.MORE_COVERED_THAN_VALID, {"covered": 11, "valid": 10, "name": "lines-covered"}),
        (cobertura_line('number="3" hits="1"', 'lines-valid="10"'), errors.ONE_WITHOUT_OTHER,
         {"name": "lines-valid", "other": "lines-covered"}),
        (cobertura_line('number="3" hits="1"', 'line-rate="1.5"'), errors.NOT_A_RATE,
         {"name": "line-rate", "value": "'1.5'"}),
    ],
    ids=["negative-hits", "text-hits", "absurd-hits", "line-zero", "no-line-number",
         "branches-over", "covered-over-valid", "half-a-total", "rate-over-one"],
)  # fmt: skip
def test_cobertura_figures_no_tool_writes_are_refused(
    text: str, message: str, params: dict[str, object]
) -> None:
    error = refusal(text)
    assert (error.text, dict(error.params)) == (message, params)


def test_the_field_at_fault_is_named() -> None:
    error = refusal(cobertura_line('number="3" hits="-1"'))
    assert error.field == "packages/package[1]/classes/class[1]/lines/line[1]"
    assert str(error) == f"{error.field}: hits must not be negative, got -1"
    assert error.finding == Message(errors.NEGATIVE, {"name": "hits", "value": -1})


def test_jacoco_negative_counts_are_refused() -> None:
    text = sample("jacoco.xml").replace(b'nr="9" mi="2"', b'nr="9" mi="-2"')
    error = refusal(text)
    assert error.text == errors.NEGATIVE
    assert error.field == "report/package[1]/sourcefile[1]/line[3]"


def test_junit_negative_time_is_refused() -> None:
    error = refusal('<testsuite name="s"><testcase name="t" time="-3"/></testsuite>')
    assert error.text == errors.NOT_A_DURATION


def coverage_json(**changes: object) -> str:
    data = json.loads(sample("coverage.json"))
    file = data["files"]["src/billing/tax.py"]
    for key, value in changes.items():
        if key in file:
            file[key] = value
        else:
            data["totals"][key] = value
    return json.dumps(data)


@pytest.mark.parametrize(
    ("text", "message", "field"),
    [
        (coverage_json(executed_lines="1-8"), errors.WRONG_TYPE,
         "files['src/billing/tax.py'].executed_lines"),
        (coverage_json(missing_lines=[7, "12"]), errors.WRONG_TYPE,
         "files['src/billing/tax.py'].missing_lines[1]"),
        (coverage_json(missing_lines=[7, True]), errors.WRONG_TYPE,
         "files['src/billing/tax.py'].missing_lines[1]"),
        (coverage_json(missing_lines=[-7]), errors.NEGATIVE,
         "files['src/billing/tax.py'].missing_lines[0]"),
        (coverage_json(missing_lines=[5]), errors.LINE_TWICE, "files['src/billing/tax.py']"),
        (coverage_json(num_statements="24"), errors.WRONG_TYPE, "totals"),
        (coverage_json(covered_lines=25), errors.MORE_COVERED_THAN_VALID, "totals"),
        (coverage_json(num_statements=None), errors.MISSING, "totals"),
        (json.dumps({"meta": {}, "files": [], "totals": {}}), errors.WRONG_TYPE, "files"),
        (json.dumps({"meta": {}, "files": {"a\x00.py": {}}, "totals": {}}),
         errors.CONTROL_CHARACTERS, "files"),
    ],
    ids=["lines-as-text", "line-as-text", "line-as-boolean", "negative-line", "line-twice",
         "total-as-text", "covered-over-valid", "total-missing", "files-as-list",
         "control-characters"],
)  # fmt: skip
def test_coverage_json_wrong_types_and_figures_are_refused(
    text: str, message: str, field: str
) -> None:
    error = refusal(text)
    assert (error.text, error.field) == (message, field)
