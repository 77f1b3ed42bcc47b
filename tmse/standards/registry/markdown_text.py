"""Markdown of standards rendered to HTML that is safe to put in a page."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

from tmse.core.safe_url import is_safe_link

# CommonMark plus tables and strikethrough; raw HTML in the text is shown as text, never run.
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)
# Links and images only to http(s), mailto or relative targets: markdown-it alone would let
# data:image URLs through; a refused link stays visible as its source text.
_renderer.validateLink = is_safe_link  # type: ignore[method-assign,assignment]


def render_markdown(text: str) -> Markup:
    """The text as HTML; anything that looks like HTML is escaped."""
    return Markup(_renderer.render(text or ""))  # noqa: S704 - html off: the text is escaped
