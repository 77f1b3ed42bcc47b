"""`tmse serve` in a process of its own for tests that need a real server: started on a free
port, ready once /readyz answers, stopped (or killed outright) on request."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.helpers import SYSTEM
from tmse.core.db import Database
from tmse.core.identity import credentials, service
from tmse.core.identity.schemas import UserCreate

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    base: str

    def stop(self) -> None:
        """SIGTERM, as an orchestrator stops it: in-flight requests finish."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)

    def kill(self) -> None:
        """SIGKILL to every process of the server (the supervisor and its workers) at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def start_server(
    url: str,
    secret: str,
    *,
    workers: int = 1,
    port: int | None = None,
    env: dict[str, str] | None = None,
    ready_within: float = 120,
) -> ServerProcess:
    """`tmse serve` against the database at `url`, returned once /readyz answers."""
    port = port or free_port()
    settings = {"TMSE_DATABASE_URL": url, "TMSE_SECRET_KEY": secret, "TMSE_LOG_LEVEL": "WARNING"}
    command = [
        sys.executable,
        "-m",
        "tmse",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(
        command, env={**os.environ, **settings, **(env or {})}, cwd=REPO, start_new_session=True
    )
    server = ServerProcess(process, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + ready_within
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{server.base}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            pytest.fail(f"tmse serve on {url} exited with {process.returncode}")
        time.sleep(0.2)
    server.kill()
    pytest.fail(f"tmse serve on {url} did not become ready within {ready_within:.0f} s")


def admin_token(url: str, username: str = "writer") -> str:
    """An API token of a new admin in the database at `url`, for a server started on it."""
    database = Database(url)
    with database.session() as session:
        admin = service.create_user(session, SYSTEM, UserCreate(username=username, roles=["admin"]))
        _, token = credentials.create_token(session, SYSTEM, admin, "server test")
    database.dispose()
    return token
