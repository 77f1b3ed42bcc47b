"""Column mappings from a CSV row to requirement values: the generic one (columns named after
the fields) and the one for a Jira CSV export ("Issue key", "Summary", "Priority", ...)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from tmse.core.messages import Message, message

# A mapping turns one row into (values, external key, errors); validation of the values is the
# caller's, as for every other way in.

# Jira's default priorities (Highest…Lowest) and the older scheme (Blocker…Trivial).
JIRA_PRIORITY_TO_MOSCOW = {
    "highest": "must",
    "blocker": "must",
    "critical": "must",
    "high": "should",
    "major": "should",
    "medium": "should",
    "low": "could",
    "minor": "could",
    "lowest": "wont",
    "trivial": "wont",
}
JIRA_TYPE_TO_TYPE = {
    "bug": "bug",
    "defect": "bug",
    "story": "feature",
    "new feature": "feature",
    "feature": "feature",
    "epic": "feature",
    "improvement": "improvement",
    "enhancement": "improvement",
    "task": "technical",
    "sub-task": "technical",
    "subtask": "technical",
    "technical debt": "technical",
    "spike": "technical",
}
# Plain columns of the generic mapping: the editable fields by their own names.
GENERIC_FIELDS = (
    "title",
    "description",
    "acceptance_criteria",
    "type",
    "requester",
    "moscow",
    "effort_days",
    "rice_reach",
    "rice_impact",
    "rice_confidence",
    "rice_effort",
    "wsjf_value",
    "wsjf_time_criticality",
    "wsjf_risk_reduction",
    "wsjf_job_size",
    "project_id",
    "release_id",
    "milestone_id",
)

# The WSJF job-size scale story points are rounded up to (requirements/scoring.py uses the same).
WSJF_SCALE: tuple[int, ...] = (1, 2, 3, 5, 8, 13, 20)

Row = list[tuple[str, str]]  # (header, cell) pairs: Jira repeats some headers
RowErrors = list[tuple[str, Message]]  # (field, message)
REQUIRED = message("required")


@dataclass(frozen=True)
class Lookups:
    """What a mapping may resolve names against: projects by key, releases by (project, name),
    custom fields by key and by lower-case label."""

    projects: dict[str, int]
    releases: dict[tuple[int, str], int]
    custom_keys: dict[str, str]  # lower-case key or English label → key
    custom_kinds: dict[str, str]  # key → kind


@dataclass(frozen=True)
class MappedRow:
    values: dict[str, Any]
    external_key: str | None
    errors: RowErrors


def _cells(row: Row, header: str) -> list[str]:
    wanted = header.strip().lower()
    return [cell.strip() for name, cell in row if name.strip().lower() == wanted and cell.strip()]


def _first(row: Row, header: str) -> str | None:
    cells = _cells(row, header)
    return cells[0] if cells else None


def _references(row: Row, lookups: Lookups, values: dict[str, Any], errors: RowErrors) -> None:
    project = _first(row, "project")
    if project:
        if project not in lookups.projects:
            errors.append(("project", message("no project with key '{key}'", key=project)))
        else:
            values["project_id"] = lookups.projects[project]
    release = _first(row, "release")
    if release:
        project_id = values.get("project_id")
        release_id = lookups.releases.get((project_id, release)) if project_id else None
        if release_id is None:
            errors.append(
                ("release", message("no release '{name}' in the row's project", name=release))
            )
        else:
            values["release_id"] = release_id


def _custom_columns(row: Row, lookups: Lookups, values: dict[str, Any], prefix: str) -> None:
    """`cf.<key>` columns (generic) or `Custom field (<label>)` columns (Jira) of defined fields."""
    custom: dict[str, Any] = {}
    for name, cell in row:
        header = name.strip()
        if prefix == "cf." and header.lower().startswith("cf."):
            wanted = header[3:].strip().lower()
        elif (
            prefix == "jira"
            and header.lower().startswith("custom field (")
            and header.endswith(")")
        ):
            wanted = header[len("custom field (") : -1].strip().lower()
        else:
            continue
        key = lookups.custom_keys.get(wanted)
        if key is None:
            if prefix == "cf.":
                custom[wanted] = cell.strip()  # reported as unknown by the validation
            continue
        if not cell.strip():
            continue
        if lookups.custom_kinds.get(key) == "multi_select":
            custom.setdefault(key, []).extend(v.strip() for v in cell.split(",") if v.strip())
        else:
            custom[key] = cell.strip()
    if custom:
        values["custom"] = custom


def map_generic(row: Row, lookups: Lookups) -> MappedRow:
    values: dict[str, Any] = {}
    errors: RowErrors = []
    for name in GENERIC_FIELDS:
        cell = _first(row, name)
        if cell is not None:
            values[name] = cell
    if "title" not in values:
        errors.append(("title", REQUIRED))
    _references(row, lookups, values, errors)
    _custom_columns(row, lookups, values, "cf.")
    return MappedRow(values, _first(row, "external_key"), errors)


def story_points_to_job_size(points: str) -> int | None:
    """Story points on the WSJF scale: rounded up to the next step of 1, 2, 3, 5, 8, 13, 20."""
    try:
        value = Decimal(points)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0:
        return None
    return next((step for step in WSJF_SCALE if step >= math.ceil(value)), WSJF_SCALE[-1])


def map_jira(row: Row, lookups: Lookups) -> MappedRow:
    values: dict[str, Any] = {}
    errors: RowErrors = []
    summary = _first(row, "Summary")
    if summary is None:
        errors.append(("Summary", REQUIRED))
    else:
        values["title"] = summary
    description = _first(row, "Description") or ""
    issue_type = _first(row, "Issue Type")
    if issue_type:
        mapped = JIRA_TYPE_TO_TYPE.get(issue_type.lower())
        if mapped is None:
            errors.append(("Issue Type", message("unknown issue type '{value}'", value=issue_type)))
        else:
            values["type"] = mapped
    priority = _first(row, "Priority")
    if priority:
        moscow = JIRA_PRIORITY_TO_MOSCOW.get(priority.lower())
        if moscow is None:
            errors.append(("Priority", message("unknown priority '{value}'", value=priority)))
        else:
            values["moscow"] = moscow
    reporter = _first(row, "Reporter")
    if reporter:
        values["requester"] = reporter
    points = _first(row, "Custom field (Story Points)") or _first(row, "Story Points")
    if points:
        size = story_points_to_job_size(points)
        if size is None:
            errors.append(
                (
                    "Custom field (Story Points)",
                    message("not a number of points: '{value}'", value=points),
                )
            )
        else:
            values["wsjf_job_size"] = size
    labels = _cells(row, "Labels")
    if labels:
        kind = lookups.custom_kinds.get("labels")
        if kind == "multi_select":
            values.setdefault("custom", {})["labels"] = labels
        elif kind == "text":
            values.setdefault("custom", {})["labels"] = ", ".join(labels)
        else:
            description = (
                (description + "\n\n" if description else "") + "Labels: " + ", ".join(labels)
            )
    values["description"] = description
    _references(row, lookups, values, errors)
    custom_before = values.pop("custom", {})
    _custom_columns(row, lookups, values, "jira")
    values["custom"] = (
        custom_before | values.get("custom", {}) if custom_before or "custom" in values else None
    )
    if values["custom"] is None:
        del values["custom"]
    key = _first(row, "Issue key")
    if key is None:
        errors.append(
            ("Issue key", message("required: it keeps a re-import from adding the issue twice"))
        )
    return MappedRow(values, key, errors)


@dataclass(frozen=True)
class Mapping:
    name: str
    channel: str
    map_row: Callable[[Row, Lookups], MappedRow]


# The channel is the requirement's intake channel the rows arrive by.
MAPPINGS = {
    "generic": Mapping("generic", "csv", map_generic),
    "jira": Mapping("jira", "jira", map_jira),
}
