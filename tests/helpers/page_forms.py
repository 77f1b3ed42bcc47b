"""The post forms of a page as a browser would submit them, with every text field hostile."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

TEXT_TYPES = {"text", "search", "email", "url", "tel", "password", ""}


@dataclass
class PageForm:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    _select: str | None = None
    _options: list[tuple[str, bool]] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self, page_url: str, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url, self.text = page_url, text
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = PageForm(a.get("action") or self.page_url)
            return
        form = self._form
        if form is None or not a.get("name") or "disabled" in a:
            return
        name, kind = a["name"], a.get("type", "").lower()
        if tag == "input" and kind in TEXT_TYPES:
            form.fields.append((name, self.text))
        elif tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in a:
                form.fields.append((name, a.get("value", "on")))
        elif tag == "input" and kind not in ("file", "submit", "button", "reset", "image"):
            form.fields.append((name, a.get("value", "")))  # hidden (CSRF, version), numbers
        elif tag == "textarea":
            form.fields.append((name, self.text))
        elif tag == "select":
            form._select, form._options = name, []
        elif tag == "option" and form._select:
            form._options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if form is None:
            return
        if tag == "select" and form._select:
            chosen = [v for v, selected in form._options if selected] or [
                v for v, _ in form._options[:1]
            ]
            form.fields += [(form._select, value) for value in chosen]
            form._select = None
        elif tag == "form":
            self.forms.append(form)
            self._form = None


def post_forms(page_url: str, html: str, text: str) -> list[PageForm]:
    """Every post form of `html` (found at `page_url`) with `text` in each text field."""
    parser = _Forms(page_url, text)
    parser.feed(html)
    parser.close()
    return parser.forms
