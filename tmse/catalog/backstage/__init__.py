"""Backstage descriptors in and out: the import, the export, their route and CLI commands."""
