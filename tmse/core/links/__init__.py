"""Typed, directed trace links between any two entities, turned Suspect when either end changes."""

from tmse.core.links.registry import LinkableType, register, registered_types

__all__ = ["LinkableType", "register", "registered_types"]
