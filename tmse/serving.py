"""Serving tmse: one uvicorn process, or several each on its own SO_REUSEPORT socket, so the
kernel spreads connections evenly instead of letting one process accept most of them."""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from types import FrameType

import uvicorn

from tmse.core.observability import configure_logging
from tmse.settings import get_settings

log = logging.getLogger("tmse.serve")
APP = "tmse.asgi:app"


def uvicorn_config(host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        APP,
        host=host,
        port=port,
        log_config=None,
        proxy_headers=True,
        access_log=False,
        # Longer than common load balancers' idle timeout (60 s), so the balancer, not tmse,
        # closes idle keep-alive connections and never sends on one tmse just closed.
        timeout_keep_alive=65,
    )


def serve(host: str, port: int, workers: int) -> None:
    if workers <= 1:
        uvicorn.Server(uvicorn_config(host, port)).run()
        return
    # The supervisor only starts and watches processes: re-exec it lean, without everything the
    # CLI imported (migrations, models, the app), which would otherwise stay in memory for good.
    os.execv(sys.executable, [sys.executable, "-m", "tmse.serving", host, str(port), str(workers)])  # noqa: S606


def reuse_port_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def _worker_process(host: str, port: int) -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    uvicorn.Server(uvicorn_config(host, port)).run(sockets=[reuse_port_socket(host, port)])


def _supervise(host: str, port: int, workers: int) -> None:
    """Start `workers` processes, restart any that dies, stop them all on SIGTERM or SIGINT."""
    # Bound before any worker starts, so a port in use fails here, loudly, once.
    probe = reuse_port_socket(host, port)
    shared_cache = _shared_cache_dir()
    context = multiprocessing.get_context("spawn")
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def start() -> multiprocessing.process.BaseProcess:
        process = context.Process(target=_worker_process, args=(host, port), daemon=False)
        process.start()
        return process

    processes = [start() for _ in range(workers)]
    probe.close()
    log.info("serving", extra={"url": f"http://{host}:{port}", "workers": workers})
    while not stopping:
        time.sleep(0.5)
        for index, process in enumerate(processes):
            if not process.is_alive() and not stopping:
                log.error("worker process exited; restarting", extra={"code": process.exitcode})
                processes[index] = start()
    for process in processes:
        if process.is_alive() and process.pid is not None:
            process.terminate()  # uvicorn finishes in-flight requests on SIGTERM
    for process in processes:
        process.join(timeout=30)
    if shared_cache is not None:
        shutil.rmtree(shared_cache, ignore_errors=True)


def _shared_cache_dir() -> str | None:
    """A private directory (memory-backed where the system has one) in which the workers share
    cached reads, made here unless TMSE_SHARED_CACHE_DIR names one; removed when serving ends."""
    if os.environ.get("TMSE_SHARED_CACHE_DIR"):
        return None
    memory = "/dev/shm"  # noqa: S108 - a private mkdtemp directory inside it
    made = tempfile.mkdtemp(prefix="tmse-cache-", dir=memory if os.path.isdir(memory) else None)
    os.environ["TMSE_SHARED_CACHE_DIR"] = made  # the spawned workers' settings read it
    return made


if __name__ == "__main__":
    configure_logging(get_settings().log_level, get_settings().log_json)
    _supervise(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
