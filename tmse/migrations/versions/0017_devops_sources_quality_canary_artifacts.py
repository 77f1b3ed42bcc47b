"""hook sources and deliveries, repositories, commits, pull requests, pipelines, quality runs,
canary runs, artifacts and scans

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 01:47:45.576610
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tmse.core.db
import tmse.core.messages


revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "devops_artifact_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registry", sa.String(length=255), nullable=False),
        sa.Column("project", sa.String(length=255), nullable=False),
        sa.Column("repository", sa.String(length=255), nullable=False),
        sa.Column("digest", sa.String(length=255), nullable=False),
        sa.Column("report_type", sa.String(length=255), nullable=False),
        sa.Column("report_key", sa.String(length=255), nullable=False),
        sa.Column("report_id", sa.String(length=255), nullable=True),
        sa.Column("scan_status", sa.String(length=255), nullable=False),
        sa.Column("severity", sa.String(length=255), nullable=True),
        sa.Column("scanner_name", sa.String(length=255), nullable=True),
        sa.Column("scanner_version", sa.String(length=255), nullable=True),
        sa.Column("finished_at", tmse.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("critical", sa.Integer(), nullable=True),
        sa.Column("high", sa.Integer(), nullable=True),
        sa.Column("medium", sa.Integer(), nullable=True),
        sa.Column("low", sa.Integer(), nullable=True),
        sa.Column("negligible", sa.Integer(), nullable=True),
        sa.Column("unknown", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("fixable", sa.Integer(), nullable=True),
        sa.Column("created_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_artifact_scans")),
        sa.UniqueConstraint(
            "registry",
            "project",
            "repository",
            "digest",
            "report_type",
            "report_key",
            name="uq_devops_artifact_scans_key",
        ),
    )
    with op.batch_alter_table("devops_artifact_scans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_devops_artifact_scans_digest", ["digest", "finished_at"], unique=False
        )

    op.create_table(
        "devops_canary_configs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("group_weights", sa.JSON(), nullable=True),
        sa.Column("tolerance", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("pass_threshold", sa.Float(), nullable=False),
        sa.Column("marginal_threshold", sa.Float(), nullable=False),
        sa.Column("created_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_canary_configs")),
        sa.UniqueConstraint("name", name="uq_devops_canary_configs_name"),
    )
    op.create_table(
        "devops_hook_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("secret_scheme", sa.String(length=20), nullable=False),
        sa.Column("rotated_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_hook_sources")),
        sa.UniqueConstraint("kind", "name", name="uq_devops_hook_sources_kind_name"),
    )
    op.create_table(
        "devops_hook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=200), nullable=True),
        sa.Column("delivery_id", sa.String(length=200), nullable=True),
        sa.Column("received_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("message", tmse.core.messages.MessageColumn(), nullable=True),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["devops_hook_sources.id"],
            name=op.f("fk_devops_hook_deliveries_source_id_devops_hook_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_hook_deliveries")),
    )
    with op.batch_alter_table("devops_hook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_devops_hook_deliveries_source_received",
            ["source_id", "received_at", "id"],
            unique=False,
        )

    op.create_table(
        "devops_artifacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registry", sa.String(length=255), nullable=False),
        sa.Column("project", sa.String(length=255), nullable=False),
        sa.Column("repository", sa.String(length=255), nullable=False),
        sa.Column("digest", sa.String(length=255), nullable=False),
        sa.Column("tag", sa.String(length=255), nullable=True),
        sa.Column("tag_key", sa.String(length=255), nullable=False),
        sa.Column("pushed_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("operator", sa.String(length=255), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("created_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["catalog_services.id"],
            name=op.f("fk_devops_artifacts_service_id_catalog_services"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_artifacts")),
        sa.UniqueConstraint(
            "registry", "project", "repository", "digest", "tag_key", name="uq_devops_artifacts_key"
        ),
    )
    with op.batch_alter_table("devops_artifacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_devops_artifacts_repository", ["project", "repository"], unique=False
        )
        batch_op.create_index(
            "ix_devops_artifacts_service_pushed", ["service_id", "pushed_at"], unique=False
        )

    op.create_table(
        "devops_canary_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("config_id", sa.Integer(), nullable=True),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("deployment_source", sa.String(length=20), nullable=True),
        sa.Column("deployment_external_id", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("recommendation", sa.String(length=20), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("rolled_back", sa.Boolean(), nullable=False),
        sa.Column("started_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", tmse.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["config_id"],
            ["devops_canary_configs.id"],
            name=op.f("fk_devops_canary_runs_config_id_devops_canary_configs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["catalog_services.id"],
            name=op.f("fk_devops_canary_runs_service_id_catalog_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_canary_runs")),
    )
    with op.batch_alter_table("devops_canary_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_devops_canary_runs_config_id"), ["config_id"], unique=False
        )
        batch_op.create_index(
            "ix_devops_canary_runs_deployment",
            ["deployment_source", "deployment_external_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_devops_canary_runs_service", ["service_id", "started_at"], unique=False
        )

    op.create_table(
        "devops_quality_gate_configs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["catalog_services.id"],
            name=op.f("fk_devops_quality_gate_configs_service_id_catalog_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_quality_gate_configs")),
        sa.UniqueConstraint("service_id", name="uq_devops_quality_gate_configs_service"),
    )
    op.create_table(
        "devops_quality_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=200), nullable=False),
        sa.Column("sha", sa.String(length=64), nullable=False),
        sa.Column("branch", sa.String(length=255), nullable=False),
        sa.Column("uploaded_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", tmse.core.messages.MessageColumn(), nullable=False),
        sa.Column("formats", sa.JSON(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("lines_valid", sa.Integer(), nullable=True),
        sa.Column("lines_covered", sa.Integer(), nullable=True),
        sa.Column("branches_valid", sa.Integer(), nullable=True),
        sa.Column("branches_covered", sa.Integer(), nullable=True),
        sa.Column("tests_total", sa.Integer(), nullable=True),
        sa.Column("tests_failed", sa.Integer(), nullable=True),
        sa.Column("tests_errors", sa.Integer(), nullable=True),
        sa.Column("tests_skipped", sa.Integer(), nullable=True),
        sa.Column("changed_lines", sa.Integer(), nullable=True),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("created_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["catalog_services.id"],
            name=op.f("fk_devops_quality_runs_service_id_catalog_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_quality_runs")),
        sa.UniqueConstraint("service_id", "run_id", name="uq_devops_quality_runs_service_run"),
    )
    with op.batch_alter_table("devops_quality_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_devops_quality_runs_service_uploaded",
            ["service_id", "uploaded_at", "id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_devops_quality_runs_sha"), ["sha"], unique=False)
        batch_op.create_index(
            "ix_devops_quality_runs_uploaded", ["uploaded_at", "id"], unique=False
        )

    op.create_table(
        "devops_repositories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("full_name", sa.String(length=300), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("created_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["catalog_services.id"],
            name=op.f("fk_devops_repositories_service_id_catalog_services"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_repositories")),
        sa.UniqueConstraint("source", "full_name", name="uq_devops_repositories_source_name"),
    )
    with op.batch_alter_table("devops_repositories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_devops_repositories_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "devops_canary_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("traffic_percent", sa.Float(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("started_at", tmse.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", tmse.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("judged_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("recommendation", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("samples", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["devops_canary_runs.id"],
            name=op.f("fk_devops_canary_stages_run_id_devops_canary_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_canary_stages")),
        sa.UniqueConstraint("run_id", "index", name="uq_devops_canary_stages_index"),
    )
    op.create_table(
        "devops_commits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("sha", sa.String(length=64), nullable=False),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("author_email", sa.Text(), nullable=True),
        sa.Column("authored_at", tmse.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("committed_at", tmse.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["devops_repositories.id"],
            name=op.f("fk_devops_commits_repository_id_devops_repositories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_commits")),
        sa.UniqueConstraint("repository_id", "sha", name="uq_devops_commits_sha"),
    )
    with op.batch_alter_table("devops_commits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_devops_commits_sha"), ["sha"], unique=False)

    op.create_table(
        "devops_pipelines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=200), nullable=False),
        sa.Column("attempt", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("trigger", sa.Text(), nullable=True),
        sa.Column("sha", sa.String(length=64), nullable=True),
        sa.Column("branch", sa.Text(), nullable=True),
        sa.Column("started_at", tmse.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", tmse.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("created_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["devops_repositories.id"],
            name=op.f("fk_devops_pipelines_repository_id_devops_repositories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_pipelines")),
        sa.UniqueConstraint(
            "repository_id", "run_id", "attempt", name="uq_devops_pipelines_run_attempt"
        ),
    )
    with op.batch_alter_table("devops_pipelines", schema=None) as batch_op:
        batch_op.create_index("ix_devops_pipelines_started", ["started_at"], unique=False)

    op.create_table(
        "devops_pull_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("branch", sa.Text(), nullable=False),
        sa.Column("base_branch", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("opened_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_review_at", tmse.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("merged_at", tmse.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("merge_sha", sa.String(length=64), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("requirement_keys", sa.JSON(), nullable=False),
        sa.Column("created_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tmse.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["devops_repositories.id"],
            name=op.f("fk_devops_pull_requests_repository_id_devops_repositories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_pull_requests")),
        sa.UniqueConstraint("repository_id", "number", name="uq_devops_pull_requests_number"),
    )
    with op.batch_alter_table("devops_pull_requests", schema=None) as batch_op:
        batch_op.create_index("ix_devops_pull_requests_opened", ["opened_at"], unique=False)

    op.create_table(
        "devops_pipeline_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pipeline_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("stage", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", tmse.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", tmse.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pipeline_id"],
            ["devops_pipelines.id"],
            name=op.f("fk_devops_pipeline_jobs_pipeline_id_devops_pipelines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_pipeline_jobs")),
        sa.UniqueConstraint("pipeline_id", "job_id", name="uq_devops_pipeline_jobs_job"),
    )


def downgrade() -> None:
    op.drop_table("devops_pipeline_jobs")
    with op.batch_alter_table("devops_pull_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_devops_pull_requests_opened")

    op.drop_table("devops_pull_requests")
    with op.batch_alter_table("devops_pipelines", schema=None) as batch_op:
        batch_op.drop_index("ix_devops_pipelines_started")

    op.drop_table("devops_pipelines")
    with op.batch_alter_table("devops_commits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devops_commits_sha"))

    op.drop_table("devops_commits")
    op.drop_table("devops_canary_stages")
    with op.batch_alter_table("devops_repositories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devops_repositories_service_id"))

    op.drop_table("devops_repositories")
    with op.batch_alter_table("devops_quality_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_devops_quality_runs_uploaded")
        batch_op.drop_index(batch_op.f("ix_devops_quality_runs_sha"))
        batch_op.drop_index("ix_devops_quality_runs_service_uploaded")

    op.drop_table("devops_quality_runs")
    op.drop_table("devops_quality_gate_configs")
    with op.batch_alter_table("devops_canary_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_devops_canary_runs_service")
        batch_op.drop_index("ix_devops_canary_runs_deployment")
        batch_op.drop_index(batch_op.f("ix_devops_canary_runs_config_id"))

    op.drop_table("devops_canary_runs")
    with op.batch_alter_table("devops_artifacts", schema=None) as batch_op:
        batch_op.drop_index("ix_devops_artifacts_service_pushed")
        batch_op.drop_index("ix_devops_artifacts_repository")

    op.drop_table("devops_artifacts")
    with op.batch_alter_table("devops_hook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_devops_hook_deliveries_source_received")

    op.drop_table("devops_hook_deliveries")
    op.drop_table("devops_hook_sources")
    op.drop_table("devops_canary_configs")
    with op.batch_alter_table("devops_artifact_scans", schema=None) as batch_op:
        batch_op.drop_index("ix_devops_artifact_scans_digest")

    op.drop_table("devops_artifact_scans")
