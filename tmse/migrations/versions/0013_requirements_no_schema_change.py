"""requirements: no schema change

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 16:20:00

No schema change: requirement history, transition, import and review texts are rendered from
audit slugs and message ids at display time, so no stored column changes.
"""

from collections.abc import Sequence

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
