"""Reading numbers and names out of report elements, refusing what no tool would write."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Protocol

from tmse.integrations.coverage_reports.errors import (
    ABSURD,
    CONTROL_CHARACTERS,
    LINE_NUMBER,
    MISSING,
    MORE_COVERED_THAN_VALID,
    NEGATIVE,
    NOT_A_DURATION,
    NOT_A_NUMBER,
    NOT_A_RATE,
    TOO_DEEP,
    ReportError,
)

# No real report counts a billion lines, tests or branches, or has a billion-line file.
MAX_COUNT = 10**9
MAX_LINE_NUMBER = 10**8
MAX_SECONDS = 10**7  # about four months of test time
MAX_XML_DEPTH = 64
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class XmlNode(Protocol):
    """The part of a parsed XML element the readers use."""

    @property
    def tag(self) -> str: ...
    @property
    def attrib(self) -> dict[str, str]: ...
    @property
    def text(self) -> str | None: ...
    def __iter__(self) -> Iterator[XmlNode]: ...


def local_name(node: XmlNode) -> str:
    """The tag without a namespace (`{uri}testsuite` is `testsuite`)."""
    return node.tag.rsplit("}", 1)[-1]


def children(node: XmlNode, name: str) -> list[XmlNode]:
    return [child for child in node if local_name(child) == name]


def check_depth(root: XmlNode, limit: int = MAX_XML_DEPTH) -> None:
    """Refuse an element tree nested deeper than `limit`, walking it without recursion."""
    pending: list[tuple[XmlNode, int]] = [(root, 1)]
    while pending:
        node, level = pending.pop()
        if level > limit:
            raise ReportError(TOO_DEEP, {"limit": limit})
        pending.extend((child, level + 1) for child in node)


def shown(value: object) -> str:
    """A value as it may appear inside an error message: quoted, short, without controls."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def whole_number(
    value: object, name: str, field: str, *, limit: int = MAX_COUNT, required: bool = True
) -> int | None:
    """A count: a whole number from 0 to `limit`; None when absent and not required."""
    if value is None or value == "":
        if required:
            raise ReportError(MISSING, {"name": name}, field=field)
        return None
    number: int
    if isinstance(value, bool):
        raise ReportError(NOT_A_NUMBER, {"name": name, "value": shown(value)}, field=field)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,12}\s*", value):
        number = int(value)
    else:
        raise ReportError(NOT_A_NUMBER, {"name": name, "value": shown(value)}, field=field)
    if number < 0:
        raise ReportError(NEGATIVE, {"name": name, "value": number}, field=field)
    if number > limit:
        raise ReportError(ABSURD, {"name": name, "value": number, "limit": limit}, field=field)
    return number


def count(value: object, name: str, field: str) -> int:
    """A required count."""
    number = whole_number(value, name, field)
    assert number is not None
    return number


def line_number(value: object, field: str) -> int:
    """A source line number: 1 or more."""
    number = whole_number(value, "line number", field, limit=MAX_LINE_NUMBER)
    if number is None or number < 1:
        raise ReportError(LINE_NUMBER, {"value": number}, field=field)
    return number


def rate(value: str | None, name: str, field: str) -> float | None:
    """A Cobertura rate (0 to 1) when present."""
    if value is None or value.strip() == "":
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not 0 <= number <= 1:
        raise ReportError(NOT_A_RATE, {"name": name, "value": shown(value)}, field=field)
    return number


def seconds(value: str | None, name: str, field: str) -> float:
    """A duration in seconds; JUnit writers sometimes add thousands separators (`1,234.5`)."""
    if value is None or value.strip() == "":
        return 0.0
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        number = math.nan
    if not 0 <= number <= MAX_SECONDS:
        raise ReportError(NOT_A_DURATION, {"name": name, "value": shown(value)}, field=field)
    return number


def covered_within(covered: int, valid: int, name: str, field: str) -> None:
    if covered > valid:
        raise ReportError(
            MORE_COVERED_THAN_VALID, {"covered": covered, "valid": valid, "name": name}, field=field
        )


def plain_name(value: object, name: str, field: str) -> str:
    """A file or test name: text without control characters."""
    if not isinstance(value, str):
        raise ReportError(MISSING, {"name": name}, field=field)
    if CONTROL.search(value):
        raise ReportError(CONTROL_CHARACTERS, {"name": name}, field=field)
    return value


def shortened(text: str | None, limit: int) -> str:
    """Free text (a failure message) cut to `limit` characters, control characters blanked."""
    cleaned = CONTROL.sub(" ", (text or "").strip())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
