"""Repository URLs compared as host and path: scheme, credentials, `.git` and case set aside."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# scp-like Git addresses: git@host:owner/name.git
_SCP = re.compile(r"^[\w.-]+@([\w.-]+):(.+)$")


def normalised(url: str | None) -> str | None:
    """`host/path` in lower case, or None when `url` names no repository."""
    if not url or not url.strip():
        return None
    text = url.strip()
    scp = _SCP.match(text)
    if scp and "://" not in text:
        host, path = scp.groups()
    else:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        host, path = parts.hostname or "", parts.path
    path = path.strip("/").removesuffix(".git").strip("/")
    if not host or not path:
        return None
    return f"{host.lower()}/{path.lower()}"


def base_url(full_name: str, urls: list[str | None]) -> str | None:
    """The repository's own URL cut from the first of `urls` (a commit's, a pull request's) that
    holds `full_name` in its path."""
    for url in urls:
        if not url:
            continue
        parts = urlsplit(url)
        at = parts.path.lower().find("/" + full_name.lower())
        if parts.scheme in ("http", "https") and parts.netloc and at >= 0:
            end = at + 1 + len(full_name)
            if end == len(parts.path) or parts.path[end] == "/":
                host = parts.netloc.rpartition("@")[2]  # never keep credentials
                return f"{parts.scheme}://{host}{parts.path[:end]}"
    return None
