"""Repository URLs compared as host and path: scheme, credentials, `.git` and case set aside."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

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
        parts = _split(text if "://" in text else f"https://{text}")
        if parts is None:
            return None
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
        parts = _split(url)
        if parts is None:
            continue
        at = parts.path.lower().find("/" + full_name.lower())
        if parts.scheme in ("http", "https") and parts.netloc and at >= 0:
            end = at + 1 + len(full_name)
            if end == len(parts.path) or parts.path[end] == "/":
                host = parts.netloc.rpartition("@")[2]  # never keep credentials
                return f"{parts.scheme}://{host}{parts.path[:end]}"
    return None


def without_credentials(url: str | None) -> str | None:
    """`url` with any user name and password taken out (an SCM URL may carry a token)."""
    if not url:
        return None
    parts = _split(url)
    if parts is None:
        return None
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def _split(url: str) -> SplitResult | None:
    """The URL's parts; None for text no URL parser accepts (a broken IPv6 host, a bad port)."""
    try:
        parts = urlsplit(url)
        parts.hostname  # noqa: B018 - reading it checks the host
        parts.port  # noqa: B018 - reading it checks the port
    except ValueError:
        return None
    return parts
