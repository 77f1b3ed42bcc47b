"""Initiatives (tech investments) and the requirements they include."""
