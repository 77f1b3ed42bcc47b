"""A progress bar for backups that stays out of sight for work shorter than a second."""

from __future__ import annotations

import time
from typing import Any

DELAY_SECONDS = 1.0


class DelayedProgress:
    """A rich progress bar on stderr, shown only once the work has lasted over a second."""

    def __init__(self, enabled: bool, label: str, total: float) -> None:
        self._enabled, self._label, self._total = enabled, label, total
        self._started, self._done = time.monotonic(), 0.0
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> DelayedProgress:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=self._done)
            self._bar.stop()

    def update(self, completed: float) -> None:
        """Report how much is done, in the unit of `total`."""
        self._done = completed
        if self._bar is None:
            if not self._enabled or time.monotonic() - self._started < DELAY_SECONDS:
                return
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(stderr=True))
            self._task = self._bar.add_task(self._label, total=self._total or None)
            self._bar.start()
        self._bar.update(self._task, completed=completed)
