"""Backstage descriptors (catalog-info.yaml), the outside format of the catalog."""
# The catalog reads through `parse_descriptors` (files → drafts and issues, then `resolve` against
# what is stored) and writes through `export_descriptors` (plain rows → documents and YAML). Pure
# plain data in and out: this package imports no domain.

from tmse.integrations.backstage.descriptors import Issue, parse_catalog, render_catalog
from tmse.integrations.backstage.mapping import EXTRA_KEY, KIND_OF_TABLE, OWNER_TEAM_KEY, Draft
from tmse.integrations.backstage.reading import (
    ParsedDescriptors,
    Progress,
    collector_paused,
    descriptor_files,
    parse_descriptors,
    ticker,
)
from tmse.integrations.backstage.resolve import TABLE_OF_KIND, owner_team, references, resolve
from tmse.integrations.backstage.writing import CatalogRows, ExportedDescriptors, export_descriptors

__all__ = [
    "EXTRA_KEY",
    "KIND_OF_TABLE",
    "OWNER_TEAM_KEY",
    "TABLE_OF_KIND",
    "CatalogRows",
    "Draft",
    "ExportedDescriptors",
    "Issue",
    "ParsedDescriptors",
    "Progress",
    "collector_paused",
    "descriptor_files",
    "export_descriptors",
    "owner_team",
    "parse_catalog",
    "parse_descriptors",
    "references",
    "render_catalog",
    "resolve",
    "ticker",
]
