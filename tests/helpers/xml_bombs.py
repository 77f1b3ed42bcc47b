"""Hostile XML reports: entity expansion (billion laughs) and an external entity (XXE)."""

from __future__ import annotations

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE coverage [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + ']>\n<coverage lines-valid="1" lines-covered="0">&lol9;</coverage>\n'
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE testsuite [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    '<testsuite name="s"><testcase name="t"><failure message="&secret;"/></testcase></testsuite>\n'
)
