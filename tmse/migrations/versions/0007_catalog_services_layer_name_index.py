"""catalog services layer name index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 20:17:37.691732
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The catalog page's lanes read one layer's first services by name: a range scan with it.
    op.create_index("ix_catalog_services_layer_name", "catalog_services", ["layer", "name"])


def downgrade() -> None:
    op.drop_index("ix_catalog_services_layer_name", table_name="catalog_services")
