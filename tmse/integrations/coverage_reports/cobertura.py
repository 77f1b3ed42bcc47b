"""Cobertura XML, as coverage.py (`coverage xml`), gcovr and Istanbul/nyc write it."""

from __future__ import annotations

from collections import defaultdict

from tmse.integrations.coverage_reports.errors import ONE_WITHOUT_OTHER, ReportError
from tmse.integrations.coverage_reports.model import CoverageReport, FileCoverage, ReportFormat
from tmse.integrations.coverage_reports.paths import repository_path
from tmse.integrations.coverage_reports.values import (
    XmlNode,
    children,
    count,
    covered_within,
    line_number,
    plain_name,
    rate,
    whole_number,
)

# coverage > sources > source, and coverage > packages > package > classes > class > lines >
# line (number, hits, branch, condition-coverage "50% (1/2)"). A file may appear as several
# classes (Java inner classes); its lines are merged, a line covered when any class ran it.
# Lines under class > methods > method repeat the class's lines and are not read again.


def is_cobertura(root: XmlNode) -> bool:
    return any(name in root.attrib for name in ("line-rate", "lines-valid")) or bool(
        children(root, "packages")
    )


def read_cobertura(root: XmlNode, repository_root: str | None = None) -> CoverageReport:
    sources = tuple(
        (source.text or "").strip()
        for wrapper in children(root, "sources")
        for source in children(wrapper, "source")
        if (source.text or "").strip()
    )
    covered: dict[str, set[int]] = defaultdict(set)
    coverable: dict[str, set[int]] = {}  # a file without coverable lines is still listed
    branches: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p, package in enumerate(_all(root, "packages", "package"), start=1):
        for c, klass in enumerate(_all(package, "classes", "class"), start=1):
            where = f"packages/package[{p}]/classes/class[{c}]"
            filename = plain_name(klass.attrib.get("filename"), "filename", where)
            path = repository_path(filename, sources, repository_root)
            coverable.setdefault(path, set())
            for n, line in enumerate(_all(klass, "lines", "line"), start=1):
                at = f"{where}/lines/line[{n}]"
                number = line_number(line.attrib.get("number"), at)
                coverable[path].add(number)
                if count(line.attrib.get("hits"), "hits", at) > 0:
                    covered[path].add(number)
                if line.attrib.get("branch") == "true":
                    taken, total = _conditions(line.attrib.get("condition-coverage"), at)
                    branches[path][0] += taken
                    branches[path][1] += total
    files = tuple(
        FileCoverage(
            path=path,
            covered_lines=frozenset(covered[path]),
            missed_lines=frozenset(coverable[path] - covered[path]),
            branches_valid=branches[path][1] if path in branches else 0,
            branches_covered=branches[path][0] if path in branches else 0,
        )
        for path in sorted(coverable)
    )
    lines_valid, lines_covered = _totals(
        root,
        "lines",
        sum(file.lines_valid for file in files),
        sum(file.lines_covered for file in files),
    )
    branches_valid, branches_covered = _totals(
        root,
        "branches",
        sum(file.branches_valid or 0 for file in files),
        sum(file.branches_covered or 0 for file in files),
    )
    # The rates are checked, not used: the counts above are exact, a rate is rounded.
    rate(root.attrib.get("line-rate"), "line-rate", "coverage")
    rate(root.attrib.get("branch-rate"), "branch-rate", "coverage")
    return CoverageReport(
        format=ReportFormat.COBERTURA,
        lines_valid=lines_valid,
        lines_covered=lines_covered,
        branches_valid=branches_valid,
        branches_covered=branches_covered,
        files=files,
        sources=sources,
    )


def _all(node: XmlNode, wrapper: str, name: str) -> list[XmlNode]:
    return [item for group in children(node, wrapper) for item in children(group, name)]


def _conditions(text: str | None, field: str) -> tuple[int, int]:
    """`50% (1/2)` as (1, 2); a branch line without the figure counts as no branches."""
    if not text or "(" not in text:
        return 0, 0
    inside = text[text.index("(") + 1 :].rstrip(")").strip()
    taken_text, _, total_text = inside.partition("/")
    taken = count(taken_text, "condition-coverage", field)
    total = count(total_text, "condition-coverage", field)
    covered_within(taken, total, "condition-coverage", field)
    return taken, total


def _totals(root: XmlNode, kind: str, valid_sum: int, covered_sum: int) -> tuple[int, int]:
    """The root's `{kind}-valid`/`{kind}-covered`, or the sums over the files when absent."""
    valid = whole_number(
        root.attrib.get(f"{kind}-valid"), f"{kind}-valid", "coverage", required=False
    )
    covered = whole_number(
        root.attrib.get(f"{kind}-covered"), f"{kind}-covered", "coverage", required=False
    )
    if (valid is None) != (covered is None):
        given, other = (f"{kind}-valid", f"{kind}-covered")[:: 1 if covered is None else -1]
        raise ReportError(ONE_WITHOUT_OTHER, {"name": given, "other": other}, field="coverage")
    if valid is None or covered is None:
        valid, covered = valid_sum, covered_sum
    covered_within(covered, valid, f"{kind}-covered", "coverage")
    return valid, covered
