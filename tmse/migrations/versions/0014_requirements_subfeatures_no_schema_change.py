"""requirements sub-features: no schema change

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 16:30:00

No schema change: baseline, change-control, Kano and traceability texts are rendered from
status slugs and message ids at display time, so no stored column changes.
"""

from collections.abc import Sequence

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
