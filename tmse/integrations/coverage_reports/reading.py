"""The one entry point: which format a report is in, refused when too large or hostile."""

from __future__ import annotations

import codecs
import re

from tmse.integrations.coverage_reports.cobertura import is_cobertura, read_cobertura
from tmse.integrations.coverage_reports.coverage_json import is_coverage_json, read_coverage_json
from tmse.integrations.coverage_reports.errors import (
    EMPTY,
    MALFORMED_JSON,
    MALFORMED_XML,
    REFUSED_XML,
    TOO_DEEP,
    TOO_LARGE,
    UNKNOWN_FORMAT,
    ReportError,
)
from tmse.integrations.coverage_reports.jacoco import is_jacoco, read_jacoco
from tmse.integrations.coverage_reports.junit import is_junit, read_junit
from tmse.integrations.coverage_reports.model import CoverageReport, TestReport
from tmse.integrations.coverage_reports.values import MAX_XML_DEPTH, check_depth, local_name
from tmse.integrations.json_text import JsonRefused, load_json, nesting_depth
from tmse.integrations.xml_safe import XmlRefused, parse_xml

MAX_BYTES = 50 * 2**20
# coverage.py's JSON nests six levels (files > file > functions > function > branches > pair).
MAX_JSON_DEPTH = 16


def read_report(
    content: bytes | str,
    filename: str | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    repository_root: str | None = None,
) -> CoverageReport | TestReport:
    """A coverage or test report read from its text; the name only breaks ties when the text
    itself does not say. `repository_root` (the CI checkout directory) turns absolute paths into
    repository paths. ReportError says why a report is refused."""
    data = content.encode() if isinstance(content, str) else content
    if len(data) > max_bytes:
        raise ReportError(TOO_LARGE, {"size": len(data), "limit": max_bytes})
    data = data.removeprefix(codecs.BOM_UTF8)
    start = data.lstrip(b" \t\r\n")[:1]
    if not start:
        raise ReportError(EMPTY)
    suffix = (filename or "").lower().rsplit(".", 1)[-1] if filename and "." in filename else ""
    if start == b"<" or (start not in b"{[" and suffix == "xml"):
        return _read_xml(data, repository_root)
    if start in (b"{", b"[") or suffix == "json":
        return _read_json(data, repository_root)
    raise ReportError(UNKNOWN_FORMAT, {"hint": "neither XML nor JSON"})


def _read_xml(data: bytes, repository_root: str | None) -> CoverageReport | TestReport:
    try:
        root = parse_xml(data)
    except XmlRefused as error:
        if error.line is None:
            raise ReportError(REFUSED_XML) from None
        reason = error.message.removeprefix("malformed XML (").removesuffix(")")
        reason = re.sub(r": line \d+, column \d+$", "", reason)  # the line is kept apart
        raise ReportError(MALFORMED_XML, {"reason": reason}, line=error.line) from None
    check_depth(root, MAX_XML_DEPTH)
    name = local_name(root)
    if name == "coverage" and is_cobertura(root):
        return read_cobertura(root, repository_root)
    if name == "report" and is_jacoco(root):
        return read_jacoco(root)
    if is_junit(root):
        return read_junit(root)
    raise ReportError(UNKNOWN_FORMAT, {"hint": f"XML root element <{name[:40]}>"})


def _read_json(data: bytes, repository_root: str | None) -> CoverageReport:
    try:
        document = load_json(data)
    except JsonRefused as error:
        if error.too_deep:
            raise ReportError(TOO_DEEP, {"limit": MAX_JSON_DEPTH}) from None
        raise ReportError(MALFORMED_JSON, {"reason": error.message}, line=error.line) from None
    if nesting_depth(document) > MAX_JSON_DEPTH:
        raise ReportError(TOO_DEEP, {"limit": MAX_JSON_DEPTH})
    if not is_coverage_json(document):
        raise ReportError(UNKNOWN_FORMAT, {"hint": "JSON without meta, files and totals"})
    return read_coverage_json(document, repository_root)
