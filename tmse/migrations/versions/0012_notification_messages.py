"""notification title and body stored as messages (id and parameters), rendered per reader

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 16:30:00

Existing plain-text titles and bodies become messages whose id is that text and whose params are
empty, so they show as before; an empty body becomes NULL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tmse.core.messages import Message, render

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _as_message(text: sa.ColumnElement[str], dialect: str) -> sa.ColumnElement[object]:
    """SQL building {"id": text, "params": {}} from a text column."""
    build = sa.func.json_build_object if dialect == "postgresql" else sa.func.json_object
    # Keys as SQL literals: PostgreSQL cannot type an untyped parameter of json_build_object.
    return build(sa.literal_column("'id'"), text, sa.literal_column("'params'"), build())


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.add_column(sa.Column("title_message", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("body_message", sa.JSON(), nullable=True))
    dialect = op.get_bind().dialect.name
    notifications = sa.table(
        "notifications",
        sa.column("title", sa.String()),
        sa.column("body", sa.Text()),
        sa.column("title_message", sa.JSON()),
        sa.column("body_message", sa.JSON()),
    )
    title, body = notifications.c.title, notifications.c.body
    op.execute(
        notifications.update().values(
            title_message=_as_message(title, dialect),
            body_message=sa.case((body == "", sa.null()), else_=_as_message(body, dialect)),
        )
    )
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_column("title")
        batch_op.drop_column("body")
        batch_op.alter_column(
            "title_message", new_column_name="title", existing_type=sa.JSON(), nullable=False
        )
        batch_op.alter_column(
            "body_message", new_column_name="body", existing_type=sa.JSON(), nullable=True
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.add_column(sa.Column("title_text", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("body_text", sa.Text(), nullable=True))
    bind = op.get_bind()
    notifications = sa.table(
        "notifications",
        sa.column("id"),
        sa.column("title", sa.JSON()),
        sa.column("body", sa.JSON()),
        sa.column("title_text"),
        sa.column("body_text"),
    )
    stored = sa.select(notifications.c.id, notifications.c.title, notifications.c.body)
    # Text in English, as it was stored before messages.
    for row in bind.execute(stored).all():
        bind.execute(
            notifications.update()
            .where(notifications.c.id == row.id)
            .values(
                title_text=render(Message.from_json(row.title), "en")[:300],
                body_text="" if row.body is None else render(Message.from_json(row.body), "en"),
            )
        )
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_column("title")
        batch_op.drop_column("body")
        batch_op.alter_column(
            "title_text", new_column_name="title", existing_type=sa.String(300), nullable=False
        )
        batch_op.alter_column(
            "body_text", new_column_name="body", existing_type=sa.Text(), nullable=False
        )
