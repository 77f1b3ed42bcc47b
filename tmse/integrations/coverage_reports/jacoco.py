"""JaCoCo XML (report.dtd 1.1), as the Maven and Gradle plugins and the CLI write it."""

from __future__ import annotations

import posixpath

from tmse.integrations.coverage_reports.model import CoverageReport, FileCoverage, ReportFormat
from tmse.integrations.coverage_reports.paths import normalise_path
from tmse.integrations.coverage_reports.values import (
    XmlNode,
    children,
    count,
    line_number,
    local_name,
    plain_name,
)

# report > (sessioninfo*, (group* | package*), counter*); a group holds groups or packages.
# package (name "org/example/app") > (class*, sourcefile*), counter*; sourcefile (name
# "Foo.java") > line* (nr, mi/ci missed/covered instructions, mb/cb missed/covered branches).
# A line counts when it has instructions and is covered when one of them ran, as JaCoCo's own
# LINE counter does.


def is_jacoco(root: XmlNode) -> bool:
    known = {"sessioninfo", "group", "package", "counter"}
    return "name" in root.attrib and all(local_name(child) in known for child in root)


def read_jacoco(root: XmlNode) -> CoverageReport:
    files: list[FileCoverage] = []
    for where, package in _packages(root):
        package_name = plain_name(package.attrib.get("name", ""), "package name", where)
        for s, sourcefile in enumerate(children(package, "sourcefile"), start=1):
            at = f"{where}/sourcefile[{s}]"
            name = plain_name(sourcefile.attrib.get("name"), "sourcefile name", at)
            files.append(_file(normalise_path(posixpath.join(package_name, name)), sourcefile, at))
    files.sort(key=lambda file: file.path)
    counters = _counters(root, "report")
    lines = counters.get("LINE")
    if lines is None:
        lines = (sum(f.lines_valid for f in files), sum(f.lines_covered for f in files))
    branches = counters.get("BRANCH")
    if branches is None and files:
        valid = sum(file.branches_valid or 0 for file in files)
        branches = (valid, sum(file.branches_covered or 0 for file in files))
    instructions = counters.get("INSTRUCTION")
    return CoverageReport(
        format=ReportFormat.JACOCO,
        lines_valid=lines[0],
        lines_covered=lines[1],
        branches_valid=branches[0] if branches else None,
        branches_covered=branches[1] if branches else None,
        files=tuple(files),
        instructions_valid=instructions[0] if instructions else None,
        instructions_covered=instructions[1] if instructions else None,
    )


def _packages(root: XmlNode) -> list[tuple[str, XmlNode]]:
    """Every package with its place in the document, groups walked without recursion."""
    found: list[tuple[str, XmlNode]] = []
    pending: list[tuple[str, XmlNode]] = [("report", root)]
    while pending:
        where, node = pending.pop()
        for kind in ("package", "group"):
            for n, child in enumerate(children(node, kind), start=1):
                at = f"{where}/{kind}[{n}]"
                (found if kind == "package" else pending).append((at, child))
    return found


def _file(path: str, sourcefile: XmlNode, where: str) -> FileCoverage:
    covered: set[int] = set()
    missed: set[int] = set()
    branches_valid = branches_covered = 0
    for n, line in enumerate(children(sourcefile, "line"), start=1):
        at = f"{where}/line[{n}]"
        number = line_number(line.attrib.get("nr"), at)
        missed_instructions = count(line.attrib.get("mi", "0"), "mi", at)
        covered_instructions = count(line.attrib.get("ci", "0"), "ci", at)
        missed_branches = count(line.attrib.get("mb", "0"), "mb", at)
        covered_branches = count(line.attrib.get("cb", "0"), "cb", at)
        if covered_instructions:
            covered.add(number)
        elif missed_instructions:
            missed.add(number)
        branches_valid += missed_branches + covered_branches
        branches_covered += covered_branches
    return FileCoverage(
        path=path,
        covered_lines=frozenset(covered),
        missed_lines=frozenset(missed - covered),
        branches_valid=branches_valid,
        branches_covered=branches_covered,
    )


def _counters(node: XmlNode, where: str) -> dict[str, tuple[int, int]]:
    """The node's own counters: type → (valid, covered)."""
    found: dict[str, tuple[int, int]] = {}
    for n, counter in enumerate(children(node, "counter"), start=1):
        at = f"{where}/counter[{n}]"
        kind = plain_name(counter.attrib.get("type"), "counter type", at)
        missed = count(counter.attrib.get("missed"), "missed", at)
        covered = count(counter.attrib.get("covered"), "covered", at)
        found[kind] = (missed + covered, covered)
    return found
