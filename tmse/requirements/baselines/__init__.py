"""Baselines: named, signed, immutable snapshots of requirements and their links, and diffs."""
