"""Domains and systems."""
