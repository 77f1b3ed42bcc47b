"""table versions remember when they moved, so a process reads only what moved since

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 19:30:00

Each version row keeps the write count ("#") at which it last moved; a process that knows the
versions at count N reads only the rows moved after N (tmse.core.table_versions.tracking).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tmse_table_versions") as table:
        table.add_column(sa.Column("moved_at", sa.BigInteger(), nullable=False, server_default="0"))
        table.create_index("ix_tmse_table_versions_moved_at", ["moved_at"])


def downgrade() -> None:
    with op.batch_alter_table("tmse_table_versions") as table:
        table.drop_index("ix_tmse_table_versions_moved_at")
        table.drop_column("moved_at")
