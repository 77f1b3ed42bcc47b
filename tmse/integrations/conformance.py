"""One finding of a conformance check of an outside format (OpenAPI documents, JSON log lines)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tmse.core.messages import Message, render

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken rule: which rule, how bad, where ("line 12, field trace_id"), how to fix it;
    `finding` and `hint` are message ids, shown in the reader's language."""

    rule: str
    severity: Severity
    location: str
    finding: Message
    hint: Message

    @property
    def message(self) -> str:
        """The finding in English, as the JSON API has always returned it."""
        return render(self.finding, "en")

    @property
    def fix_hint(self) -> str:
        """The fix hint in English, as the JSON API has always returned it."""
        return render(self.hint, "en")
