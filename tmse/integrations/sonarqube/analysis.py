"""A SonarQube project-analysis webhook body → the quality gate fact it states."""

from __future__ import annotations

import json
import re

from tmse.integrations.sonarqube.errors import (
    BAD_PATTERN,
    MISSING,
    NO_NATURAL_KEY,
    NOT_ANALYSIS_PROPERTY,
    TOO_MANY,
    DeliveryRefused,
)
from tmse.integrations.sonarqube.fields import (
    MAX_BODY_BYTES,
    Node,
    checked_text,
    load_body,
)
from tmse.integrations.sonarqube.model import TMSE_SERVICE_PROPERTY, GateCondition, QualityGateFact

TASK_STATUSES = frozenset({"SUCCESS", "FAILED"})
GATE_STATUSES = frozenset({"OK", "WARN", "ERROR"})
CONDITION_STATUSES = frozenset({"OK", "WARN", "ERROR", "NO_VALUE"})
OPERATORS = frozenset({"GREATER_THAN", "LESS_THAN", "EQUALS", "NOT_EQUALS"})
BRANCH_TYPES = frozenset({"BRANCH", "PULL_REQUEST", "LONG", "SHORT"})
ANALYSIS_PREFIX = "sonar.analysis."
MAX_URL = 2048
MAX_PROPERTIES = 200
MAX_PROPERTY_VALUE = 4000

_URL = re.compile(r"https?://[^\s]+", re.IGNORECASE)
_TASK_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
_REVISION = re.compile(r"[^\s]{1,255}")


def parse(body: bytes, *, max_bytes: int = MAX_BODY_BYTES) -> QualityGateFact:
    """The fact of one delivery body; DeliveryRefused, naming the field, when it is malformed."""
    root = load_body(body, max_bytes)
    project = root.node("project")
    branch = root.node("branch") if root.has("branch") else None
    branch_type = branch.choice("type", BRANCH_TYPES) if branch else None
    branch_name = branch.optional_text("name") if branch else None
    is_pull_request = branch_type == "PULL_REQUEST"
    gate = root.node("qualityGate") if root.has("qualityGate") else None
    properties = _properties(root)
    fact = QualityGateFact(
        server_url=_url(root, "serverUrl"),
        task_id=root.matching("taskId", _TASK_ID, "task id"),
        task_status=root.choice("status", TASK_STATUSES),
        analysed_at=root.optional_timestamp("analysedAt"),
        changed_at=root.optional_timestamp("changedAt"),
        revision=root.matching("revision", _REVISION, "revision"),
        project_key=project.text("key", 400),
        project_name=project.optional_text("name"),
        project_url=_optional_url(project, "url"),
        branch=None if is_pull_request else branch_name,
        branch_type=branch_type,
        is_main_branch=branch.optional_flag("isMain") if branch else None,
        pull_request=branch_name if is_pull_request else None,
        branch_url=_optional_url(branch, "url") if branch else None,
        quality_gate=gate.optional_text("name") if gate else None,
        quality_gate_status=gate.optional_choice("status", GATE_STATUSES) if gate else None,
        conditions=tuple(_condition(item) for item in gate.nodes("conditions")) if gate else (),
        properties=properties,
        tmse_service=dict(properties).get(TMSE_SERVICE_PROPERTY) or None,
    )
    if not fact.task_id and not (fact.changed_at or fact.analysed_at):
        raise DeliveryRefused(NO_NATURAL_KEY, "taskId")
    return fact


def _condition(item: Node) -> GateCondition:
    return GateCondition(
        metric=item.text("metric", 100),
        operator=item.choice("operator", OPERATORS),
        value=item.optional_text("value", 100),
        error_threshold=item.optional_text("errorThreshold", 100),
        status=item.choice("status", CONDITION_STATUSES),
        on_new_code=item.optional_flag("onLeakPeriod"),
        warning_threshold=item.optional_text("warningThreshold", 100),
    )


def _url(node: Node, key: str) -> str:
    url = _optional_url(node, key)
    if url is None:
        raise DeliveryRefused(MISSING, node.where(key))
    return url


def _optional_url(node: Node, key: str) -> str | None:
    """An http(s) URL without spaces, or None when absent."""
    value = node.optional_text(key, MAX_URL)
    if value is not None and not _URL.fullmatch(value):
        raise DeliveryRefused(BAD_PATTERN, node.where(key), value=value[:80], kind="URL")
    return value


def _properties(root: Node) -> tuple[tuple[str, str], ...]:
    """The sonar.analysis.* properties SonarQube passes on from the scanner, sorted by key."""
    if not root.has("properties"):
        return ()
    properties = root.node("properties")
    if len(properties.data) > MAX_PROPERTIES:
        raise DeliveryRefused(TOO_MANY, properties.path, limit=MAX_PROPERTIES)
    found = []
    for key, value in properties.data.items():
        where = f"properties[{json.dumps(key)}]"
        checked_text(key, where)
        if not key.startswith(ANALYSIS_PREFIX) or key == ANALYSIS_PREFIX:
            raise DeliveryRefused(NOT_ANALYSIS_PROPERTY, where, value=key[:80])
        found.append((key, checked_text(value, where, MAX_PROPERTY_VALUE)))
    return tuple(sorted(found))
