"""Imports parse before they write: the write transaction opens for the writes alone, never for
a parse or a slow upload."""

# On SQLite a writer holds the database's one write lock from its first statement, so an import that
# parsed inside its transaction would stop every other writer for as long as the parse takes (and a
# slow upload, for as long as the upload).
# Import routes therefore do not take the request's session: `import_actor` authenticates on a short
# read transaction, the route parses the body, and `write_session` opens the write transaction for
# the writes alone.

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fastapi import BackgroundTasks, Request
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import actor_of, database, permitted


def import_actor(permission: str) -> Callable[[Request, BackgroundTasks], Actor]:
    """Like `require(permission)`, but the lookup's transaction is over before the route runs."""

    def check(request: Request, background: BackgroundTasks) -> Actor:
        with read_session(request) as session:
            return permitted(actor_of(request, session, background), permission)

    return check


@contextmanager
def write_session(request: Request) -> Iterator[Session]:
    """The write transaction of an import, opened after its parsing: commits or rolls back."""
    with database(request).session(write=True) as session:
        yield session


@contextmanager
def read_session(request: Request) -> Iterator[Session]:
    """A read transaction on the writer's database (it sees the import just made), without the
    write lock: to look up what parsing needs, or to render the page after an import."""
    with Session(database(request).engine, expire_on_commit=False) as session, session.begin():
        yield session
