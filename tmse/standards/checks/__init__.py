"""Checks of samples against the built-in standards: log lines, OpenAPI documents."""
