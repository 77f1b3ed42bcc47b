"""per-table data versions, moved on by every committed write

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 17:00:00

The read caches keep an answer until a table it read is written (tmse.core.table_versions).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tmse_table_versions",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_tmse_table_versions")),
    )


def downgrade() -> None:
    op.drop_table("tmse_table_versions")
