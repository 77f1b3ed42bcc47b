"""The one check for where tmse may send a browser after an action: its own paths only."""

from __future__ import annotations


def local_path(url: str | None, fallback: str = "/") -> str:
    """`url` when it is a path on this site, else `fallback`."""
    # Browsers read a backslash as `/` and drop tabs and newlines, so such characters could lead
    # off-site: any backslash, whitespace or control character refuses the URL.
    if not url or not url.startswith("/") or url.startswith("//"):
        return fallback
    if "\\" in url or any(ch.isspace() or not ch.isprintable() for ch in url):
        return fallback
    return url
