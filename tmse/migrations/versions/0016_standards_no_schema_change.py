"""standards in one shape: no schema change

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 16:40:00

No schema change: rule findings are computed on each read and rendered from message ids; the
shipped standards' texts are translated while unchanged; review checklists keep their JSON
column (items written before messages read as plain text).
"""

from collections.abc import Sequence

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
