"""Writes tmse does not see, as if made in the database by hand: they show whether an answer
came from memory."""

from __future__ import annotations

import re
from typing import Any

from tmse.core.db import Database


def write_unseen(db: Database, sql: str, **params: Any) -> None:
    """Run `sql` (`:name` parameters) on a driver connection of its own, past SQLAlchemy."""
    if not db.is_sqlite:
        sql = re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)  # psycopg's style
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        if db.is_sqlite:
            cursor.execute("BEGIN")
        cursor.execute(sql, params)
        connection.commit()
    finally:
        connection.close()
