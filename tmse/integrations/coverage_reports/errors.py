"""Why a coverage or test report is refused: a stable English text, its parameters, and where."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tmse.core.messages import Message, render

# The texts are message ids (rendered per reader through `ReportError.finding`); keep each one
# unchanged once released so its translations keep matching.
UNKNOWN_FORMAT = "not a Cobertura, JaCoCo, coverage.py JSON or JUnit report ({hint})"
TOO_LARGE = "the report has {size} bytes, more than the limit of {limit}"
EMPTY = "the report is empty"
MALFORMED_XML = "malformed XML: {reason}"
REFUSED_XML = "XML with entity declarations or external references is refused"
MALFORMED_JSON = "malformed JSON: {reason}"
TOO_DEEP = "the report nests deeper than {limit} levels"
MISSING = "{name} is missing"
NOT_A_NUMBER = "{name} must be a whole number, not {value}"
NOT_A_RATE = "{name} must be a number from 0 to 1, not {value}"
NOT_A_DURATION = "{name} must be a number of seconds, not {value}"
NEGATIVE = "{name} must not be negative, got {value}"
ABSURD = "{name} is {value}, more than {limit} is not believable"
LINE_NUMBER = "line numbers start at 1, got {value}"
MORE_COVERED_THAN_VALID = "{covered} covered is more than {valid} in all ({name})"
WRONG_TYPE = "{name} must be {expected}, not {actual}"
CONTROL_CHARACTERS = "{name} contains control characters"
ONE_WITHOUT_OTHER = "{name} is given without {other}"
LINE_TWICE = "line {number} is listed as both executed and missing"


class ReportError(ValueError):
    """A refused report: `text` with `params` (a message id and its values), and the line of
    the document or the field at fault when known."""

    def __init__(
        self,
        text: str,
        params: Mapping[str, Any] | None = None,
        *,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.text = text
        self.params: Mapping[str, Any] = dict(params or {})
        self.line = line
        self.field = field
        super().__init__(self.message)

    @property
    def finding(self) -> Message:
        """The reason as a message, rendered in the reader's language where it is shown."""
        return Message(self.text, self.params)

    @property
    def message(self) -> str:
        """The reason in English, prefixed with the line or field it concerns."""
        where = [f"line {self.line}" if self.line else "", self.field or ""]
        prefix = ", ".join(part for part in where if part)
        text = render(self.finding, "en")
        return f"{prefix}: {text}" if prefix else text
