"""Finds script the app did not write in an HTML page: event-handler attributes, inline or
foreign <script> elements, javascript:/data: links, and JSON data attributes that do not parse."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from tmse.core.safe_url import url_scheme

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
JSON_ATTRIBUTES = {"data-chart", "data-catalog-graph", "hx-headers", "hx-vals"}
LIVE_SCHEMES = {"javascript", "data", "vbscript"}
_SPACE = " \t\n\r\f/"


def browser_attribute_names(tag: str) -> list[str]:
    """The attribute names a browser reads from a raw start tag (HTML's tokenizer, in short).

    html.parser gives up on a mangled tag where a browser carries on reading attributes."""
    names, i, end = [], 1, len(tag) - 1
    while i < end and tag[i] not in _SPACE:  # the tag name
        i += 1
    while i < end:
        while i < end and tag[i] in _SPACE:
            i += 1
        start = i
        i += 1  # a name may start with "="
        while i < end and tag[i] not in _SPACE + "=>":
            i += 1
        if start < end:
            names.append(tag[start:i].lower())
        while i < end and tag[i] in _SPACE[:-1]:
            i += 1
        if i < end and tag[i] == "=":
            i += 1
            while i < end and tag[i] in _SPACE[:-1]:
                i += 1
            if i < end and tag[i] in "\"'":
                closing = tag.find(tag[i], i + 1)
                i = end if closing == -1 else closing + 1
            else:
                while i < end and tag[i] not in " \t\n\r\f>":
                    i += 1
    return names


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = f"<{tag} {' '.join(name for name, _ in attrs)}>"
        names = [name for name, _ in attrs] + browser_attribute_names(
            self.get_starttag_text() or ""
        )
        handlers = {name for name in names if name.startswith("on")}
        self.problems += [f"event handler {name}= on {where}" for name in sorted(handlers)]
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value and url_scheme(value) in LIVE_SCHEMES:
                self.problems.append(f"live {url_scheme(value)}: link in {name}= on {where}")
            elif name in JSON_ATTRIBUTES and value is not None:
                try:
                    json.loads(value)
                except ValueError:
                    self.problems.append(f"{name} is not JSON on {where}: {value[:80]!r}")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"script not from /static/: {where} src={src!r}")
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:80]!r}")


def script_problems(html: str) -> list[str]:
    """What in `html` could run script that the app did not write; empty when clean."""
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit.problems
