"""One finding of a conformance check, shared by every standards checker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken rule: which rule, how bad, where ("line 12, field trace_id"), how to fix it."""

    rule: str
    severity: Severity
    location: str
    message: str
    fix_hint: str
