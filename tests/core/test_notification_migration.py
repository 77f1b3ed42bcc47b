"""Migration 0012: notifications stored as text before it read the same after, and back."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import bindparam, text

from tmse.core.db import Database, UTCDateTime
from tmse.core.messages import Message, render
from tmse.core.notifications.models import Notification
from tmse.migrations import alembic_config, upgrade

NOW = bindparam("now", type_=UTCDateTime())
OLD_ROWS = [
    (1, "Review requested: REQ-1 Refunds", "please look"),
    (2, "REQ-2 changed", ""),
]


def _insert_text_rows(database_url: str) -> None:
    database = Database(database_url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, username, display_name, is_active, created_at, "
                "updated_at, version) VALUES (1, 'ann', 'Ann', :yes, :now, :now, 1)"
            ).bindparams(NOW),
            {"yes": True, "now": now},
        )
        for row_id, title, body in OLD_ROWS:
            connection.execute(
                text(
                    "INSERT INTO notifications (id, user_id, kind, title, url, body, created_at) "
                    "VALUES (:id, 1, 'review-requested', :title, '/', :body, :now)"
                ).bindparams(NOW),
                {"id": row_id, "title": title, "body": body, "now": now},
            )
    database.dispose()


def test_text_notifications_become_messages_and_back(database_url):
    upgrade(database_url, "0011")
    _insert_text_rows(database_url)

    upgrade(database_url, "0012")
    database = Database(database_url)
    with database.session(write=False) as session:
        rows = {n.id: n for n in session.query(Notification)}
        assert rows[1].title == Message("Review requested: REQ-1 Refunds")
        assert rows[1].body == Message("please look")
        assert rows[2].body is None
        assert render(rows[2].title, "en") == "REQ-2 changed"
    database.dispose()

    command.downgrade(alembic_config(database_url), "0011")
    database = Database(database_url)
    with database.engine.connect() as connection:
        back = connection.execute(text("SELECT id, title, body FROM notifications ORDER BY id"))
        assert [tuple(row) for row in back] == OLD_ROWS
    database.dispose()
