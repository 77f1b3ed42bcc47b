"""Small pieces of page context shared by the organisation pages: filter URLs and flashes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from tmse.web.forms import translator


def filter_url(path: str, **filters: Any) -> str:
    """`path?` plus the non-empty filters, ending in `?` or `&` so paging can append."""
    kept = {k: v for k, v in filters.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}&" if kept else f"{path}?"


def saved_flash(request: Request, saved: str) -> list[dict[str, str]]:
    """The confirmation shown after a redirect-after-post (`?saved=1`)."""
    if not saved:
        return []
    _ = translator(request)
    return [{"kind": "success", "text": _("Your changes were saved.")}]
