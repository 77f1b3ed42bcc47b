"""Values built from the data, kept per process until a table they were built from is written."""

# A build records the tables it reads (`tmse.core.table_versions`); the value is kept with their
# versions as read before the build, and a later lookup uses it while those versions still hold.
# What a session holding uncommitted writes of its own reads is a state nobody else sees, so it
# builds without keeping.

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from tmse.core.table_versions.sessions import session_versions
from tmse.core.table_versions.tracking import (
    Versions,
    collecting,
    note_read,
    still_current,
    versions_at,
)

T = TypeVar("T")
# A builder that has not finished after this long is not waited for any more.
WAIT_SECONDS = 60.0


_memos: list[VersionMemo[Any]] = []


class VersionMemo(Generic[T]):
    """Values by (database, `extra`), each kept with the versions of the tables it was read from."""

    # A lookup after one of them moved builds again and replaces it. At most `slots` values, least
    # recently used out first. One build per slot at a time: the others wait for it instead of
    # repeating it.

    def __init__(self, slots: int = 4) -> None:
        self.slots = slots
        _memos.append(self)
        self._values: OrderedDict[tuple[str, Hashable], tuple[Versions, T]] = OrderedDict()
        self._building: dict[tuple[str, Hashable], threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, build: Callable[[], T], extra: Hashable = None) -> T:
        # The versions are read before the data: a write in between moves one on, so what is
        # built then is kept at versions no later lookup finds current.
        current = session_versions(session)
        if current is None:
            return build()
        slot = (str(session.get_bind().engine.url), extra)
        while True:
            with self._lock:
                found = self._values.get(slot)
                if found is not None and still_current(found[0], current):
                    self._values.move_to_end(slot)
                    note_read(name for name, _ in found[0])  # the caller's answer read them
                    return found[1]
                running = self._building.get(slot)
                if running is None:
                    done = self._building[slot] = threading.Event()
                    break
            if not running.wait(WAIT_SECONDS):
                return build()
            # Done: the value is there now, or was built at other versions, or failed.
        try:
            with collecting() as read:
                value = build()
            with self._lock:
                self._values[slot] = (versions_at(current, read), value)
                self._values.move_to_end(slot)
                while len(self._values) > self.slots:
                    self._values.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._building[slot]
            done.set()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def forget_all() -> None:
    """Drop everything kept (tests; a process that changed data outside SQLAlchemy)."""
    for memo in _memos:
        memo.clear()
