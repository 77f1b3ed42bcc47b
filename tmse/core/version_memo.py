"""Values built from the data, kept per process until the next write.

Every write in tmse appends an entry to the audit log in its own transaction
(`tmse.core.audit.record`), so the newest entry versions all data, as for the read cache
(`tmse.core.response_cache`). Its id and hash together name one state of one database: the hash
tells apart a rolled-back entry's id taken again by the next write. What is built from the data
read at a version is right for every session that reads that version; a session holding
uncommitted writes of its own reads a state nobody else sees, so it builds without keeping."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from tmse.core.response_cache import DataVersion, data_version

T = TypeVar("T")
# A builder that has not finished after this long is not waited for any more.
WAIT_SECONDS = 60.0


_memos: list[VersionMemo[Any]] = []


class VersionMemo(Generic[T]):
    """Values by (database, `extra`), each kept with the data version it was built at: a lookup
    at another version builds again and replaces it. At most `slots` values, least recently used
    out first. One build per slot at a time: the others wait for it instead of repeating it."""

    def __init__(self, slots: int = 4) -> None:
        self.slots = slots
        _memos.append(self)
        self._values: OrderedDict[tuple[str, Hashable], tuple[DataVersion, T]] = OrderedDict()
        self._building: dict[tuple[DataVersion, Hashable], threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, build: Callable[[], T], extra: Hashable = None) -> T:
        # The version is read before the data: a write in between moves it on, so what is
        # built then is stored under a version no later read asks for.
        version = data_version(session)
        if version is None:
            return build()
        slot = (version[0], extra)
        while True:
            with self._lock:
                found = self._values.get(slot)
                if found is not None and found[0] == version:
                    self._values.move_to_end(slot)
                    return found[1]
                running = self._building.get((version, extra))
                if running is None:
                    done = self._building[(version, extra)] = threading.Event()
                    break
            if not running.wait(WAIT_SECONDS):
                return build()
            # Done: the value is there now, or its build failed and this one takes over.
        try:
            value = build()
            with self._lock:
                kept = self._values.get(slot)
                if kept is None or kept[0][1] <= version[1]:  # never older over newer
                    self._values[slot] = (version, value)
                    self._values.move_to_end(slot)
                while len(self._values) > self.slots:
                    self._values.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._building[(version, extra)]
            done.set()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def forget_all() -> None:
    """Drop everything kept (tests; a process that changed data behind the audit log's back)."""
    for memo in _memos:
        memo.clear()
