"""catalog in one shape: no schema change

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 16:40:00

No schema change: the catalog's findings (layer violations, conformance, import issues) are
computed on each read and rendered from message ids, so no stored column changes.
"""

from collections.abc import Sequence

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
