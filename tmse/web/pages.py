"""Organisation pages (teams, people, audit log, API tokens) — filled in by the web shell."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
