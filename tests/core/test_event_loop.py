"""The event loop never waits for the database: a write waiting for SQLite's lock holds no read."""

from __future__ import annotations

import sqlite3
import threading


def test_a_write_waiting_for_the_database_lock_holds_no_other_request(  # type: ignore[no-untyped-def]
    client, admin, make_account, database_url
) -> None:
    """On SQLite a write waits for the one write lock; meanwhile reads are answered."""
    if not database_url.startswith("sqlite:///"):
        return  # PostgreSQL has no database-wide write lock
    reader = make_account("viewer")
    # Its token's last use is noted now (a write, after the response): not under the lock below.
    assert client.get("/api/v1/teams", headers=reader.headers).status_code == 200
    blocker = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    answers: list[int] = []
    writing = threading.Thread(
        target=lambda: answers.append(
            client.post(
                "/api/v1/teams", json={"name": "Platform"}, headers=admin.headers
            ).status_code
        )
    )
    writing.start()
    try:
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/v1/teams?limit=5", headers=reader.headers).status_code == 200
        assert writing.is_alive() and answers == []  # the write still waits for the lock
    finally:
        blocker.execute("ROLLBACK")
        writing.join()
    assert answers == [201]
