"""Per-request context shared with logs and the audit log without threading it through calls."""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("tmse_request_id", default=None)
