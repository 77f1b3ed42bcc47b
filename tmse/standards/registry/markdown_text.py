"""Markdown of standards rendered to HTML that is safe to put in a page."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

# CommonMark plus tables and strikethrough; raw HTML in the text is shown as text, never run,
# and markdown-it refuses javascript:/data: link targets.
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def render_markdown(text: str) -> Markup:
    """The text as HTML; anything that looks like HTML is escaped."""
    return Markup(_renderer.render(text or ""))
