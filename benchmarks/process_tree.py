"""Memory and CPU of a process and its children, read from /proc (psutil is not a dependency)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (uvicorn's workers, for instance)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces or parentheses; fields resume after the last ')'.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(parents.get(current, []))
    return found


def rss_bytes(pid: int) -> int:
    """Resident memory (VmRSS) summed over the process tree; shared pages count once per process."""
    return _summed(pid, "status", "VmRSS:")


def pss_bytes(pid: int) -> int:
    """Proportional set size summed over the tree: shared pages split between their sharers."""
    return _summed(pid, "smaps_rollup", "Pss:")


def _summed(pid: int, file: str, field: str) -> int:
    total = 0
    for member in descendants(pid):
        try:
            for line in Path(f"/proc/{member}/{file}").read_text().splitlines():
                if line.startswith(field):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
    return total


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time summed over the process tree."""
    total = 0
    for member in descendants(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


class RssSampler:
    """Samples a process tree's RSS (and PSS) on a thread; peaks are the largest since `reset`."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid, self.interval, self.peak, self.pss_peak = pid, interval, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def reset(self) -> None:
        self.peak, self.pss_peak = rss_bytes(self.pid), pss_bytes(self.pid)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, rss_bytes(self.pid))
            self.pss_peak = max(self.pss_peak, pss_bytes(self.pid))
