"""Architecture decision records in adr-tools' Markdown: `parse_adr_folder` reads, `render_adr`
writes; imports no domain."""

from tmse.integrations.adr_tools.markdown import (
    Adr,
    AdrFormatError,
    AdrLink,
    ExtraSection,
    adr_filename,
    parse_adr,
    parse_adr_folder,
    render_adr,
)

__all__ = [
    "Adr",
    "AdrFormatError",
    "AdrLink",
    "ExtraSection",
    "adr_filename",
    "parse_adr",
    "parse_adr_folder",
    "render_adr",
]
