"""Where the read cache keeps answers: a byte-bounded LRU in this process, and, when the worker
processes of one server share a directory, a store on it that every worker reads and fills."""

# One answer computed is then served by every worker: a write's invalidation costs one
# recomputation per answer, not one per process. An entry names the table versions it was
# computed at; whoever reads it checks them, so no tier can serve an answer past a write.

from __future__ import annotations

import logging
import pickle
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import diskcache

from tmse.core.table_versions.tracking import Versions, still_current

log = logging.getLogger("tmse.response_store")
_STORE_ERRORS = (sqlite3.Error, OSError, pickle.PickleError, EOFError, diskcache.Timeout)
# Token last-used times are kept to the minute; an entry older than that goes the full way once.
MAX_AGE_SECONDS = 60.0


class RoutePath(NamedTuple):
    """The route an answer came from, for the request metrics and log line of a hit."""

    path: str


@dataclass(frozen=True)
class Entry:
    versions: Versions
    stored_at: float  # wall-clock seconds: worker processes compare it
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    route: RoutePath | None
    user_id: int | None = None  # the signed-in user a page was rendered for

    def fresh(self, current: Mapping[str, int]) -> bool:
        return time.time() - self.stored_at < MAX_AGE_SECONDS and still_current(
            self.versions, current
        )


class Memory:
    """Entries in this process's memory: at most `max_bytes` of bodies, least recently used out
    first."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, current: Mapping[str, int]) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or not entry.fresh(current):
                return None
            self._entries.move_to_end(key)
            return entry

    def keep(self, key: Hashable, entry: Entry) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = entry
            self._bytes += len(entry.body)
            while self._bytes > self.max_bytes and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


# One memory per process (per size): however many apps a process builds (tests build many),
# kept answers stay within the bytes the setting allows.
_memories: dict[int, Memory] = {}


def process_memory(max_bytes: int) -> Memory:
    return _memories.setdefault(max_bytes, Memory(max_bytes))


class ResponseStore:
    """Entries by key: in this process's memory (`process_memory`), and on `shared_dir` when
    given, for all processes using it."""

    def __init__(
        self,
        max_bytes: int,
        max_body: int = 1024 * 1024,
        shared_dir: str | None = None,
        memory: Memory | None = None,
    ) -> None:
        self.max_body = max_body
        self._memory = memory or process_memory(max_bytes)
        self._shared: Any = None
        if shared_dir:
            self._shared = diskcache.Cache(
                shared_dir, size_limit=max_bytes, eviction_policy="least-recently-stored"
            )

    def get(self, key: Hashable, current: Mapping[str, int]) -> Entry | None:
        """The entry kept under `key` if it is still right at `current` versions."""
        entry = self._memory.get(key, current)
        if entry is not None or self._shared is None:
            return entry
        try:
            shared = self._shared.get(key)
        except _STORE_ERRORS:
            log.warning("shared read cache unreadable", exc_info=True)
            return None
        if isinstance(shared, Entry) and shared.fresh(current):
            self._memory.keep(key, shared)
            return shared
        return None

    def put(self, key: Hashable, entry: Entry) -> None:
        if len(entry.body) > self.max_body:
            return
        self._memory.keep(key, entry)
        if self._shared is not None:
            try:
                self._shared.set(key, entry)
            except _STORE_ERRORS:  # a cache that cannot keep an answer only costs a recomputation
                log.warning("shared read cache unwritable", exc_info=True)
