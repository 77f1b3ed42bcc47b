"""User-supplied links: only web, mail and source-control schemes are stored or shown as links."""

# `SafeUrl` refuses a `javascript:`, `data:`, `vbscript:` (or any other unlisted) scheme at input
# with a 422 naming the field; `is_safe_link` decides at output whether a stored value may become an
# `href`, so a value that reached the database another way is shown as text only.

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# Schemes a stored link may carry: web pages, mail, and repository clone addresses.
STORED_SCHEMES = frozenset({"http", "https", "mailto", "ssh", "git", "git+ssh", "svn"})
# Schemes a rendered href may carry; the rest stay text.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
URL_SCHEME_ERROR = "url_scheme"
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# Browsers drop these before reading the scheme: "java\tscript:" runs as javascript:.
_IGNORED_BY_BROWSERS = re.compile(r"[\t\n\r]")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would read from `value` (lower case), or None for a relative URL."""
    # Leading spaces and control characters, and tabs and newlines anywhere, are skipped first, as
    # browsers do; `git@host:path` has no scheme (an @ cannot be part of one).
    cleaned = _IGNORED_BY_BROWSERS.sub("", value).lstrip("".join(map(chr, range(33))))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def is_safe_link(value: object) -> bool:
    """Whether `value` may be written into an href: http(s), mailto or a relative URL."""
    if not isinstance(value, str) or not value.strip():
        return False
    scheme = url_scheme(value)
    return scheme is None or scheme in LINK_SCHEMES


def _checked(value: str | None) -> str | None:
    if value is None:
        return None
    scheme = url_scheme(value)
    if scheme is not None and scheme not in STORED_SCHEMES:
        # A type of its own, so forms can show the message in the reader's language.
        raise PydanticCustomError(
            URL_SCHEME_ERROR,
            "Links may use only these schemes: {allowed}; not {scheme}:.",
            {"allowed": ", ".join(sorted(STORED_SCHEMES)), "scheme": scheme},
        )
    return value


SafeUrl = Annotated[str, AfterValidator(_checked)]
"""A string that, if it is a URL, uses a scheme of STORED_SCHEMES."""
