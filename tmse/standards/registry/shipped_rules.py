"""A shipped standard's shape, and how its rules are written down."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tmse.standards.registry.models import Category


@dataclass(frozen=True)
class Builtin:
    key: str
    name: str
    category: Category
    body: str
    rules: tuple[dict[str, Any], ...]


def rule(
    key: str, check: str, level: str, severity: str, title: str, fix_hint: str, **params: Any
) -> dict[str, Any]:
    return {
        "key": key,
        "check": check,
        "params": params,
        "level": level,
        "severity": severity,
        "title": title,
        "fix_hint": fix_hint,
    }
