"""`tmse serve --workers 2`: two processes share the port and stop together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tmse.migrations import upgrade


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children]


def _listening_on(pid: int, port: int) -> bool:
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":  # 0A: LISTEN
            inodes.add(fields[9])
    fd_dir = Path(f"/proc/{pid}/fd")
    links = set()
    for fd in os.listdir(fd_dir):
        try:
            links.add(os.readlink(fd_dir / fd))
        except FileNotFoundError:  # closed between listing and reading: not a listener
            continue
    return any(f"socket:[{inode}]" in links for inode in inodes)


def test_two_workers_each_listen_and_stop_on_sigterm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(url)
    port = _free_port()
    env = {**os.environ, "TMSE_DATABASE_URL": url, "TMSE_SECRET_KEY": "serve-test"}
    parent = subprocess.Popen(
        [sys.executable, "-m", "tmse", "serve", "--port", str(port), "--workers", "2"], env=env
    )
    try:
        deadline = time.monotonic() + 120  # spawning two interpreters is slow on a loaded machine
        workers: list[int] = []
        while time.monotonic() < deadline:
            workers = [c for c in _children(parent.pid) if _listening_on(c, port)]
            if len(workers) == 2:
                break
            time.sleep(0.3)
        assert len(workers) == 2, "expected two worker processes listening on the port"
        for _ in range(20):  # fresh connections, spread by the kernel
            assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=30).status_code == 200
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=90) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    finally:
        if parent.poll() is None:
            parent.kill()
