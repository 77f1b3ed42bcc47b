"""deployments with the commits they carried, and incidents, for DORA metrics

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 01:00:00

Module 3 (DevOps): what CI/CD and incident tools deliver through the generic hooks.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tmse.core.db import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "devops_deployments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("environment", sa.String(length=60), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=False),
        sa.Column("finished_day", sa.Date(), nullable=False),
        sa.Column("finished_s", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["catalog_services.id"],
            name=op.f("fk_devops_deployments_service_id_catalog_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_deployments")),
        sa.UniqueConstraint("source", "external_id", name="uq_devops_deployments_source_id"),
    )
    op.create_index(
        "ix_devops_deployments_service_day", "devops_deployments", ["service_id", "finished_day"]
    )
    op.create_index("ix_devops_deployments_day", "devops_deployments", ["finished_day"])
    op.create_index(
        "ix_devops_deployments_service_moment", "devops_deployments", ["service_id", "finished_s"]
    )
    op.create_table(
        "devops_deployment_commits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("sha", sa.String(length=64), nullable=False),
        sa.Column("authored_at", UTCDateTime(), nullable=False),
        sa.Column("lead_time_s", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["devops_deployments.id"],
            name=op.f("fk_devops_deployment_commits_deployment_id_devops_deployments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_deployment_commits")),
        sa.UniqueConstraint("deployment_id", "sha", name="uq_devops_deployment_commits_sha"),
    )
    op.create_index(
        op.f("ix_devops_deployment_commits_deployment_id"),
        "devops_deployment_commits",
        ["deployment_id"],
    )
    op.create_index(op.f("ix_devops_deployment_commits_sha"), "devops_deployment_commits", ["sha"])
    op.create_table(
        "devops_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(length=40), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("opened_s", sa.BigInteger(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("restore_s", sa.Integer(), nullable=True),
        sa.Column("deployment_ref", sa.String(length=200), nullable=True),
        sa.Column("deployment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["catalog_services.id"],
            name=op.f("fk_devops_incidents_service_id_catalog_services"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["devops_deployments.id"],
            name=op.f("fk_devops_incidents_deployment_id_devops_deployments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devops_incidents")),
        sa.UniqueConstraint("source", "external_id", name="uq_devops_incidents_source_id"),
    )
    op.create_index(
        "ix_devops_incidents_service_opened", "devops_incidents", ["service_id", "opened_s"]
    )
    op.create_index(op.f("ix_devops_incidents_opened_s"), "devops_incidents", ["opened_s"])
    op.create_index(
        "ix_devops_incidents_source_ref", "devops_incidents", ["source", "deployment_ref"]
    )
    op.create_index(
        op.f("ix_devops_incidents_deployment_id"), "devops_incidents", ["deployment_id"]
    )


def downgrade() -> None:
    op.drop_table("devops_incidents")
    op.drop_table("devops_deployment_commits")
    op.drop_table("devops_deployments")
