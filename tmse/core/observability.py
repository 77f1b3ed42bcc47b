"""Request ids, JSON logs and Prometheus metrics for tmse's own operation."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Iterable
from typing import Any

from prometheus_client import REGISTRY as DEFAULT_REGISTRY
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tmse.core.context import request_id_var
from tmse.core.errors import unexpected_error

REQUESTS = Counter(
    "tmse_http_requests_total",
    "HTTP requests by route template and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "tmse_http_request_duration_seconds",
    "HTTP request latency by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


_default_record_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
    # Captured when the record is made, inside the request, not when a handler formats it later.
    record = _default_record_factory(*args, **kwargs)
    record.request_id = request_id_var.get()
    return record


logging.setLogRecordFactory(_record_with_request_id)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, carrying the request id of the request being served."""

    RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self.RESERVED})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO", as_json: bool = True) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if as_json
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    logging.Formatter.converter = time.gmtime
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)


UNMATCHED = "<unmatched>"


def route_template(scope: Scope, requested: Scope) -> str:
    """The template of the route that served a request: `/api/v1/teams/{team_id}`, a mount as
    `/static/{path}`, one fixed label for any path no route knows, so metrics stay bounded."""
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str):
        return path
    # A mount (static files) sets no route; it moves the part of the path it matched to
    # root_path.
    before, after = requested.get("root_path", ""), scope.get("root_path", "")
    if after != before and after.startswith(before):
        return f"{after[len(before) :]}/{{path}}"
    # A plain Starlette route (the OpenAPI document) sets only its endpoint.
    endpoint = scope.get("endpoint")
    for route in getattr(scope.get("app"), "routes", ()) if endpoint else ():
        if getattr(route, "endpoint", None) is endpoint and isinstance(route.path, str):
            return str(route.path)
    return UNMATCHED


class RequestContextMiddleware:
    """Assigns a request id (or keeps a sane X-Request-ID), logs each request, records metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = logging.getLogger("tmse.http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = (
            incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        )
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        # The router rewrites the scope (a mount moves part of the path into root_path).
        requested = {"root_path": scope.get("root_path", "")}
        status_code = 500
        response_started = False
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status_code, response_started
            if message["type"] == "http.response.start":
                status_code, response_started = message["status"], True
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            # Answered here, inside the request's context, not re-raised to the server: uvicorn
            # would log the traceback a second time without the request id and drop the
            # keep-alive connection. A response already under way (a failing background task
            # after it, a broken stream) cannot be replaced, only logged.
            failure = unexpected_error(Request(scope), exc)
            if not response_started:
                await failure(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            template = route_template(scope, requested)
            method = scope["method"]
            REQUESTS.labels(method, template, str(status_code)).inc()
            LATENCY.labels(method, template).observe(elapsed)
            self.log.info(
                "request",
                extra={
                    "method": method,
                    "path": scope["path"],
                    "route": template,
                    "status": status_code,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            request_id_var.reset(token)


def metrics_payload(database_collectors: Iterable[Collector] = ()) -> bytes:
    """Prometheus exposition of this process, or of all workers in multiprocess mode; collectors
    that read the database are registered on the default registry and must be passed here too."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        for collector in database_collectors:
            registry.register(collector)
        return generate_latest(registry)
    return generate_latest(DEFAULT_REGISTRY)
