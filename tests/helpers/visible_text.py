"""What a reader sees of an HTML page: text nodes outside script, style and template, the page
title, and the attributes a browser shows or reads aloud (title, placeholder, aria-label, alt,
button values). Text marked as another language (`lang="en"`) or as code (`<code>`, `<kbd>`,
`<samp>`) is skipped: it is meant to be as it is."""

from __future__ import annotations

from html.parser import HTMLParser

HIDDEN_ELEMENTS = frozenset({"script", "style", "template"})
CODE_ELEMENTS = frozenset({"code", "kbd", "samp"})
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
VOID_ELEMENTS = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr")
)


class _VisibleText(HTMLParser):
    def __init__(self, page_language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_language = page_language
        self.strings: list[str] = []
        # One entry per open element: is its content skipped (hidden, or another language)?
        self._open: list[tuple[str, bool]] = []

    def _skipping(self) -> bool:
        return bool(self._open) and self._open[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        language = values.get("lang")
        skipped = (
            self._skipping()
            or tag in HIDDEN_ELEMENTS
            or tag in CODE_ELEMENTS
            or (language is not None and not _same_language(language, self.page_language))
        )
        if not skipped:
            self.strings += [values[name] for name in SHOWN_ATTRIBUTES if values.get(name)]
            if tag == "input" and values.get("type", "").lower() in BUTTON_INPUTS:
                self.strings.append(values.get("value", ""))
        if tag not in VOID_ELEMENTS:
            self._open.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element; HTML lets some end tags be left out.
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.strings.append(data)


def _same_language(language: str, page_language: str) -> bool:
    return language.lower().split("-")[0] == page_language.lower().split("-")[0]


def visible_strings(html: str, page_language: str = "zh-CN") -> list[str]:
    """The strings a reader of `html` sees, in document order."""
    parser = _VisibleText(page_language)
    parser.feed(html)
    parser.close()
    return [" ".join(text.split()) for text in parser.strings if text.strip()]
