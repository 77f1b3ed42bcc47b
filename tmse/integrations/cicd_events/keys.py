"""Requirement keys named in a pull request's title, branch and body."""
# The rule:
# - A key is a project part and a number joined by a hyphen: 2-10 ASCII letters, digits or
#   underscores starting with a letter, then 1-9 digits not starting with 0 (`REQ-12`, `ABC-123`,
#   `PAY2-7`). It stands alone: no letter, digit or underscore touches it on either side.
# - tmse's own keys (`REQ-…`) are found in any case anywhere (`req-12`, `feature/Req-12-x`).
# - Other (Jira-shaped) keys count in titles and bodies only as written in capitals
#   (`ABC-123`, not `abc-123` or `Abc-123`); in a branch name they also count in lower case
#   when they open a path segment or the name (`feature/abc-123-login`, `abc-123`).
# - Standard and encoding names that have the same shape are not keys: UTF-8, SHA-256,
#   ISO-8601, RFC-7231, CVE-2021, and the others in NOT_KEYS.
# Keys come back in capitals, once each, in order of appearance: title, then branch, then body.

from __future__ import annotations

import re

REQUIREMENT_PREFIX = "REQ"
NOT_KEYS = frozenset(
    {
        "AES", "ANSI", "ASCII", "BASE", "CP", "CRC", "CVE", "CWE", "DES", "ECMA", "EN", "ES",
        "GB", "GHSA", "HTTP", "IEC", "IEEE", "IPV", "ISO", "LATIN", "MD", "PEP", "RFC", "RSA",
        "SHA", "SSL", "TLS", "UCS", "UTF", "WCAG", "WINDOWS",
    }
)  # fmt: skip
_KEY = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z][A-Za-z0-9_]{1,9})-([1-9][0-9]{0,8})(?![A-Za-z0-9_])")


def requirement_keys(
    title: str | None, branch: str | None = None, body: str | None = None
) -> tuple[str, ...]:
    """Keys in the title, then the branch name, then the body: normalised, each once."""
    found: list[str] = []
    for text, in_branch in ((title, False), (branch, True), (body, False)):
        for key in _keys_in(text or "", in_branch):
            if key not in found:
                found.append(key)
    return tuple(found)


def _keys_in(text: str, in_branch: bool) -> list[str]:
    keys = []
    for match in _KEY.finditer(text):
        project, number = match.groups()
        upper = project.upper()
        if upper in NOT_KEYS:
            continue
        if upper != REQUIREMENT_PREFIX and project != upper:
            opens_segment = match.start() == 0 or text[match.start() - 1] == "/"
            if not (in_branch and opens_segment and project == project.lower()):
                continue
        keys.append(f"{upper}-{number}")
    return keys
