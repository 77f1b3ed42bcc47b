"""The small demo with a hostile payload appended to every free-text value of every table.

Every String and Text column carries the payload unless it is listed in MACHINE_COLUMNS (codes
the app compares with constants, hashes, tokens): a column added later is covered by default.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import JSON, String, Text, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.schema import Column, Table

from tmse.metadata import load_metadata

# Leaves a single- or double-quoted attribute with a handler of its own, then the tag, closes a
# <script>, adds elements with handlers, a javascript: Markdown link, and template syntax
# (rendered as tmse49x if anything evaluated it).
PAYLOAD = (
    "' onmouseover='alert(1)' \" onfocus=\"alert(1)\" '\"><img src=x onerror=alert(1)>"
    "</script><script>alert(1)</script><svg onload=alert(1)> [x](javascript:alert(1)) "
    "tmse{{7*7}}x ${7*7}"
)
# For values that become a path segment (a service's name in /catalog/services/{name}): no "/".
PATH_PAYLOAD = (
    "' onmouseover='alert(1)' \" onfocus=\"alert(1)\" '\"><img src=x onerror=alert(1)> tmse{{7*7}}x"
)
TEMPLATE_EVALUATED = "tmse49x"
# Links are replaced whole: they must never become a live link.
HOSTILE_LINKS = ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>")

PATH_COLUMNS = {
    "catalog_services.name",
    "catalog_apis.name",
    "catalog_data_stores.name",
    "standards.key",
    "scorecard_levels.key",
}
LINK_COLUMNS = {"catalog_services.repository", "service_facts.source"}
# Codes compared with constants, identifiers, hashes and secrets: no user writes free text here.
MACHINE_COLUMNS = {
    "audit_checkpoints.entry_hash",
    "audit_log.via",
    "audit_log.action",
    "audit_log.entity_type",
    "audit_log.entity_id",
    "audit_log.request_id",
    "audit_log.prev_hash",
    "audit_log.hash",
    "job_runs.job",
    "job_runs.holder",
    "leader_locks.name",
    "leader_locks.holder",
    "login_attempts.key",
    "requirement_custom_fields.key",
    "requirement_custom_fields.kind",
    "teams.kind",
    "trace_links.link_type",
    "trace_links.source_type",
    "trace_links.target_type",
    "trace_links.source_fingerprint",
    "trace_links.target_fingerprint",
    "trace_links.state",
    "users.password_hash",
    "users.locale",
    "api_tokens.prefix",
    "api_tokens.token_hash",
    "delivery_projects.status",
    "kano_surveys.share_token",
    "notifications.kind",
    "notifications.url",
    "requirement_baselines.status",
    "requirement_baselines.digest",
    "requirement_baselines.signature",
    "scorecard_campaigns.target_level",
    "standards.category",
    "strategy_goals.status",
    "strategy_objectives.status",
    "strategy_initiatives.status",
    "strategy_initiatives.currency",
    "web_sessions.id_hash",
    "delivery_phases.kind",
    "kano_responses.channel",
    "kano_responses.respondent_key",
    "catalog_services.type",
    "catalog_services.layer",
    "catalog_services.lifecycle",
    "catalog_apis.type",
    "catalog_apis.lifecycle",
    "catalog_data_stores.kind",
    "delivery_stage_gates.status",
    "requirements.type",
    "requirements.channel",
    "requirements.status",
    "requirements.moscow",
    "architecture_reviews.kind",
    "architecture_reviews.status",
    "change_requests.status",
    "delivery_gate_votes.decision",
    "requirement_approvals.capacity",
    "requirement_approvals.decision",
    "score_snapshots.level",
    "service_facts.kind",
    "architecture_review_reviewers.opinion",
    "change_request_approvals.seat",
    "change_request_approvals.decision",
    "kano_answers.functional",
    "kano_answers.dysfunctional",
    "user_roles.role",
    "decision_records.status",
    "devops_deployments.source",
    "devops_deployments.result",
    "devops_deployment_commits.sha",
    "devops_incidents.source",
    "devops_hook_sources.kind",
    "devops_hook_sources.secret",
    "devops_hook_sources.secret_scheme",
    "devops_hook_deliveries.outcome",
    "devops_commits.sha",
    "devops_pull_requests.state",
    "devops_pull_requests.merge_sha",
    "devops_pipelines.status",
    "devops_pipeline_jobs.status",
    "devops_quality_runs.status",
    "devops_canary_runs.status",
    "devops_canary_runs.recommendation",
    "devops_canary_runs.decision",
    "devops_canary_runs.deployment_source",
    "devops_canary_stages.verdict",
    "devops_canary_stages.recommendation",
    "devops_canary_stages.content_hash",
    "devops_artifacts.digest",
    "devops_artifact_scans.digest",
    "devops_artifact_scans.scan_status",
}
# JSON columns whose string values are text people wrote (titles, conditions, custom values).
TEXT_JSON_COLUMNS = {
    "decision_records.links",
    "decision_records.extra_sections",
    "architecture_reviews.conditions",
    "requirements.custom",
    "requirement_custom_fields.options",
}


_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _name(table: Table, column: Column[Any]) -> str:
    return f"{table.name}.{column.name}"


def text_columns() -> Iterator[tuple[Table, Column[Any]]]:
    for table in load_metadata().sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text) and not column.primary_key:
                yield table, column


def _with_payload(value: Any) -> Any:
    """Every string inside a JSON value, keys and timestamps aside, with the payload appended."""
    if isinstance(value, str):
        return value if _TIMESTAMP.match(value) else value + PAYLOAD
    if isinstance(value, list):
        return [_with_payload(item) for item in value]
    if isinstance(value, dict):
        return {key: _with_payload(item) for key, item in value.items()}
    return value


def poison(connection: Connection) -> list[str]:
    """Append the payloads; returns the names of the payload-bearing columns it filled."""
    filled: list[str] = []
    for table, column in text_columns():
        name = _name(table, column)
        if name in MACHINE_COLUMNS:
            continue
        if name in LINK_COLUMNS:
            _replace_links(connection, table, column)
        else:
            suffix = PATH_PAYLOAD if name in PATH_COLUMNS else PAYLOAD
            connection.execute(update(table).values({column.name: column + suffix}))
            _fill_one_empty(connection, table, column, suffix)
        filled.append(name)
    for table in load_metadata().sorted_tables:
        for column in table.columns:
            if _name(table, column) in TEXT_JSON_COLUMNS and isinstance(column.type, JSON):
                rows = connection.execute(select(table.c.id, column)).all()
                for row_id, value in rows:
                    connection.execute(
                        update(table)
                        .where(table.c.id == row_id)
                        .values({column.name: _with_payload(value)})
                    )
                filled.append(_name(table, column))
    return filled


def _fill_one_empty(connection: Connection, table: Table, column: Column[Any], text: str) -> None:
    """One row of a column the demo leaves empty (a cleared link's comment) gets the text too."""
    if "id" not in table.c or not column.nullable:
        return
    first = select(func.min(table.c.id)).where(column.is_(None)).scalar_subquery()
    connection.execute(update(table).where(table.c.id == first).values({column.name: text}))


def _replace_links(connection: Connection, table: Table, column: Column[Any]) -> None:
    ids = connection.execute(select(table.c.id).where(column.is_not(None))).scalars().all()
    for index, row_id in enumerate(ids):
        link = HOSTILE_LINKS[index % len(HOSTILE_LINKS)]
        connection.execute(update(table).where(table.c.id == row_id).values({column.name: link}))
